from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from perhekeskus.access.api import FamilyViewSet, PersonViewSet
from perhekeskus.allocation.api import (
    AbsenceViewSet,
    NeedCandidatesViewSet,
    ProposalRowViewSet,
    ProposalViewSet,
    RouteViewSet,
)
from perhekeskus.api import Router
from perhekeskus.families.api import (
    FamilyOverviewViewSet,
    MeetingSlotViewSet,
    NamedWorkerViewSet,
    NetworkMeetingViewSet,
)
from perhekeskus.network.api import OrganisationViewSet, ServiceViewSet, UnitViewSet
from perhekeskus.people.api import WorkerViewSet
from perhekeskus.reports.api import PurchasedServiceViewSet, ReportViewSet
from perhekeskus.scheduling import views as scheduling_views
from perhekeskus.scheduling.api import AppointmentViewSet, ShiftViewSet, WorkTypeViewSet


class LoginView(auth_views.LoginView):
    """Django's login, offering single sign-on when it is configured."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"oidc_enabled": bool(settings.OIDC_RP_CLIENT_ID)}


router = Router()
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("units", UnitViewSet, basename="unit")
router.register("services", ServiceViewSet, basename="service")
router.register("workers", WorkerViewSet, basename="worker")
router.register("shifts", ShiftViewSet, basename="shift")
router.register("work-types", WorkTypeViewSet, basename="worktype")
router.register("families", FamilyViewSet, basename="family")
router.register("persons", PersonViewSet, basename="person")
router.register("appointments", AppointmentViewSet, basename="appointment")
router.register("reports", ReportViewSet, basename="report")
router.register("purchased-services", PurchasedServiceViewSet, basename="purchasedservice")
router.register("service-needs", NeedCandidatesViewSet, basename="serviceneed")
router.register("proposals", ProposalViewSet, basename="proposal")
router.register("proposal-rows", ProposalRowViewSet, basename="proposalrow")
router.register("absences", AbsenceViewSet, basename="absence")
router.register("routes", RouteViewSet, basename="route")
router.register("family-overviews", FamilyOverviewViewSet, basename="familyoverview")
router.register("named-workers", NamedWorkerViewSet, basename="namedworker")
router.register("meeting-slots", MeetingSlotViewSet, basename="meetingslot")
router.register("network-meetings", NetworkMeetingViewSet, basename="networkmeeting")

urlpatterns = [
    path("", scheduling_views.home, name="home"),
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("oidc/", include("mozilla_django_oidc.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("perhekeskus.scheduling.urls")),
    path("", include("perhekeskus.access.urls")),
    path("", include("perhekeskus.intake.urls")),
    path("", include("perhekeskus.reports.urls")),
    path("", include("perhekeskus.allocation.urls")),
    path("", include("perhekeskus.families.urls")),
    path("", include("perhekeskus.public.urls")),
    path("admin/", admin.site.urls),
    path("api/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # the split view serves Swagger UI's init script from its own URL: no inline script (CSP)
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
]

handler404 = "perhekeskus.api.not_found"
