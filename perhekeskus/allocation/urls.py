from django.urls import path

from . import views

app_name = "allocation"

urlpatterns = [
    path("intake/needs/<int:pk>/candidates/", views.need_candidates, name="need_candidates"),
]
