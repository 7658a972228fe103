from django.urls import path

from . import feeds, views

app_name = "scheduling"

urlpatterns = [
    path("resources/", views.resource_view, name="resource_view"),
    path("resources/rows/", views.resource_rows, name="resource_rows"),
    path("calendar/", views.my_calendar, name="my_calendar"),
    path("workers/<int:pk>/calendar/", views.worker_calendar, name="worker_calendar"),
    path("families/", views.family_list, name="family_list"),
    path("families/<int:pk>/calendar/", views.family_calendar, name="family_calendar"),
    path("families/search/", views.family_search, name="family_search"),
    path("families/persons/", views.family_persons, name="family_persons"),
    path("appointments/new/", views.appointment_new, name="appointment_new"),
    path("appointments/<int:pk>/", views.appointment_detail, name="appointment_detail"),
    path("appointments/<int:pk>/edit/", views.appointment_edit, name="appointment_edit"),
    path("appointments/<int:pk>/realise/", views.appointment_realise, name="appointment_realise"),
    path("appointments/<int:pk>/cancel/", views.appointment_cancel, name="appointment_cancel"),
    path("appointments/<int:pk>/move/", views.appointment_move, name="appointment_move"),
    path("ical/<str:token>.ics", feeds.worker_ical, name="worker_ical"),
]
