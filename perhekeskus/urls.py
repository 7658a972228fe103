from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from perhekeskus.network.api import OrganisationViewSet, ServiceViewSet, UnitViewSet
from perhekeskus.people.api import FamilyViewSet, PersonViewSet, WorkerViewSet
from perhekeskus.scheduling import views as scheduling_views
from perhekeskus.scheduling.api import AppointmentViewSet, ShiftViewSet, WorkTypeViewSet

router = DefaultRouter()
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("units", UnitViewSet, basename="unit")
router.register("services", ServiceViewSet, basename="service")
router.register("workers", WorkerViewSet, basename="worker")
router.register("shifts", ShiftViewSet, basename="shift")
router.register("work-types", WorkTypeViewSet, basename="worktype")
router.register("families", FamilyViewSet, basename="family")
router.register("persons", PersonViewSet, basename="person")
router.register("appointments", AppointmentViewSet, basename="appointment")

urlpatterns = [
    path("", scheduling_views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("perhekeskus.scheduling.urls")),
    path("", include("perhekeskus.access.urls")),
    path("admin/", admin.site.urls),
    path("api/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
]

handler404 = "perhekeskus.api.not_found"
