from django.urls import path

from . import views

app_name = "access"

urlpatterns = [
    path("families/<int:pk>/access-log/", views.family_access_report, name="family_access_report"),
]
