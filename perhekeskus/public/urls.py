from django.urls import path

from . import views

app_name = "public"

urlpatterns = [
    path("kohtaamispaikat/", views.meeting_places, name="meeting_places"),
    path("kohtaamispaikat/<int:pk>/", views.meeting_place, name="meeting_place"),
    path("kohtaamispaikat/<int:pk>/ohjelma.ics", views.meeting_place_feed, name="meeting_place_feed"),
    path("tapahtumat/", views.events, name="events"),
    path("tapahtumat/ohjelma.ics", views.events_feed, name="events_feed"),
]
