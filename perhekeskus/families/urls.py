from django.urls import path

from . import views

app_name = "families"

urlpatterns = [
    path("families/<int:pk>/overview/", views.overview, name="overview"),
    path("families/<int:pk>/summary/", views.summary, name="summary"),
    path("families/<int:pk>/named-workers/", views.named_assign, name="named_assign"),
    path("named-workers/<int:pk>/end/", views.named_end, name="named_end"),
    path("families/<int:pk>/client-groups/", views.client_group_add, name="client_group_add"),
    path("client-groups/<int:pk>/end/", views.client_group_end, name="client_group_end"),
    path("families/<int:pk>/meetings/new/", views.meeting_new, name="meeting_new"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("my-families/", views.my_families, name="my_families"),
    path("named-workers/suggestions/", views.naming_suggestions, name="naming_suggestions"),
    path("reports/without-responsible-worker/", views.naming_report, name="naming_report"),
]
