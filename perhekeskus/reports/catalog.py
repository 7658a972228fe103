"""The reports: one entry per report, in the order of DOMAIN.md section 1, then the
family-centre metrics and the lifecycle view. Pages, exports and the API all run a
report through this table."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from . import selectors


@dataclass(frozen=True)
class Report:
    key: str
    title: str
    description: str
    run: Callable
    # which grouping the report offers (worker/unit/organisation), empty for none
    groups: tuple[str, ...] = ()
    default_group: str = "worker"


REPORTS: dict[str, Report] = {
    r.key: r
    for r in (
        Report(
            "family_hours",
            _("Hours per family"),
            _("Worker-hours of realised and still planned work for each family."),
            selectors.family_hours,
        ),
        Report(
            "family_cost",
            _("Cost per family"),
            _("Own work at the booked unit prices plus purchased services, for each family."),
            selectors.family_cost,
        ),
        Report(
            "worker_work_type",
            _("Per worker and work type"),
            _("Booked and realised hours and cost of each worker, by work type."),
            selectors.worker_work_type,
        ),
        Report(
            "cancellations",
            _("Cancellations"),
            _("Cancelled appointments by reason and by who cancelled; late cancellations."),
            selectors.cancellations,
        ),
        Report(
            "realised_client_work",
            _("Realised client work"),
            _("Realised direct and indirect client work by month."),
            selectors.realised_client_work,
        ),
        Report(
            "planned_vs_realised",
            _("Planned vs realised duration"),
            _("How long realised appointments took compared with their booking, by work type."),
            selectors.planned_vs_realised,
        ),
        Report(
            "meeting_share",
            _("Meetings and internal work"),
            _("Share of working time in meetings, training and other internal work."),
            selectors.meeting_share,
            groups=("unit", "organisation", "worker"),
            default_group="unit",
        ),
        Report(
            "client_counts",
            _("Client counts"),
            _("Families and persons with realised work, per service; per 1,000 children."),
            selectors.client_counts,
        ),
        Report(
            "workload",
            _("Workload and resource situation"),
            _("Shift hours, booked, realised and free hours and utilisation."),
            selectors.workload,
            groups=("worker", "unit", "organisation"),
        ),
        Report(
            "visits_travel",
            _("Client visits and travel"),
            _("Home visits, their length and travel time."),
            selectors.visits_travel,
            groups=("worker", "unit", "organisation"),
        ),
        Report(
            "own_vs_purchased",
            _("Own vs purchased services"),
            _("Own work and purchased services per service: family-specific budgeting with unit prices."),
            selectors.own_vs_purchased,
        ),
        Report(
            "metrics",
            _("Family-centre metrics"),
            _("The metrics of the family-centre workshop that the data supports, per 1,000 children."),
            selectors.metrics,
        ),
        Report(
            "lifecycle",
            _("Lifecycle of families' services"),
            _("Cost per family by months since the first contact, by cohort and service level."),
            selectors.lifecycle,
        ),
    )
}
