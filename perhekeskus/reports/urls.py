from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("reports/", views.index, name="index"),
    path("reports/rows/", views.rows, name="rows"),
    path("reports/purchases/", views.purchase_list, name="purchase_list"),
    path("reports/purchases/new/", views.purchase_edit, name="purchase_new"),
    path("reports/purchases/<int:pk>/", views.purchase_edit, name="purchase_edit"),
    path("reports/purchases/<int:pk>/delete/", views.purchase_delete, name="purchase_delete"),
    path("reports/<slug:key>/", views.report, name="report"),
]
