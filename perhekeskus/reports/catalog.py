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
    # the fields of its rows and totals, (key, kind) as the columns' kinds: what the API
    # gives and its schema declares (tests/reports/test_api_types.py checks every report
    # and grouping against what the selector returns)
    fields: tuple[tuple[str, str], ...] = ()
    # which grouping the report offers (worker/unit/organisation), empty for none
    groups: tuple[str, ...] = ()
    default_group: str = "worker"


def _fields(spec: str) -> tuple[tuple[str, str], ...]:
    """ "family:key realised_hours:hours" -> (("family", "key"), ("realised_hours", "hours"))."""
    return tuple(tuple(f.split(":", 1)) for f in spec.split())


REPORTS: dict[str, Report] = {
    r.key: r
    for r in (
        Report(
            "family_hours",
            _("Hours per family"),
            _("Worker-hours of realised and still planned work for each family."),
            selectors.family_hours,
            fields=_fields(
                "family:key realised_hours:hours open_hours:hours appointments:int "
                "realised_appointments:int workers:int"
            ),
        ),
        Report(
            "family_cost",
            _("Cost per family"),
            _("Own work at the booked unit prices plus purchased services, for each family."),
            selectors.family_cost,
            fields=_fields("family:key realised_hours:hours own_cost:eur purchased:eur total:eur open_cost:eur"),
        ),
        Report(
            "worker_work_type",
            _("Per worker and work type"),
            _("Booked and realised hours and cost of each worker, by work type."),
            selectors.worker_work_type,
            fields=_fields(
                "worker:text work_type:text work_class:text appointments:int booked_hours:hours "
                "realised_hours:hours realised_cost:eur"
            ),
        ),
        Report(
            "cancellations",
            _("Cancellations"),
            _("Cancelled appointments by reason and by who cancelled; late cancellations."),
            selectors.cancellations,
            fields=_fields("reason:text cancelled_by:text cancelled:int share:pct late:int hours:hours"),
        ),
        Report(
            "realised_client_work",
            _("Realised client work"),
            _("Realised direct and indirect client work by month."),
            selectors.realised_client_work,
            fields=_fields("month:month work_class:text realised_appointments:int realised_hours:hours families:int"),
        ),
        Report(
            "planned_vs_realised",
            _("Planned vs realised duration"),
            _("How long realised appointments took compared with their booking, by work type."),
            selectors.planned_vs_realised,
            fields=_fields(
                "work_type:text realised:int planned_hours:hours actual_hours:hours difference:hours "
                "mean_difference_min:num shorter:int longer:int"
            ),
        ),
        Report(
            "meeting_share",
            _("Meetings and internal work"),
            _("Share of working time in meetings, training and other internal work."),
            selectors.meeting_share,
            fields=_fields(
                "name:text unit:text shift_hours:hours meeting:hours training:hours other:hours "
                "internal:hours share_of_shift:pct share_of_booked:pct"
            ),
            groups=("unit", "organisation", "worker"),
            default_group="unit",
        ),
        Report(
            "client_counts",
            _("Client counts"),
            _("Families and persons with realised work, per service; per 1,000 children."),
            selectors.client_counts,
            fields=_fields(
                "service:text organisation:text families:int persons:int realised_appointments:int "
                "families_per_1000:num"
            ),
        ),
        Report(
            "workload",
            _("Workload and resource situation"),
            _("Shift hours, booked, realised and free hours and utilisation."),
            selectors.workload,
            fields=_fields(
                "name:text unit:text shift_hours:hours booked_hours:hours realised_hours:hours "
                "free_hours:hours utilisation:pct families:int"
            ),
            groups=("worker", "unit", "organisation"),
        ),
        Report(
            "visits_travel",
            _("Client visits and travel"),
            _("Home visits, their length and travel time."),
            selectors.visits_travel,
            fields=_fields(
                "name:text unit:text home_visits:int home_visit_hours:hours mean_visit_min:num "
                "other_visits:int other_visit_hours:hours travel_hours:hours travel_per_home_visit_min:num"
            ),
            groups=("worker", "unit", "organisation"),
        ),
        Report(
            "own_vs_purchased",
            _("Own vs purchased services"),
            _("Own work and purchased services per service: family-specific budgeting with unit prices."),
            selectors.own_vs_purchased,
            fields=_fields(
                "service:text organisation:text level:text own_hours:hours own_cost:eur purchases:int "
                "purchased:eur total:eur purchased_share:pct"
            ),
        ),
        Report(
            "metrics",
            _("Family-centre metrics"),
            _("The metrics of the family-centre workshop that the data supports, per 1,000 children."),
            selectors.metrics,
            fields=_fields("key:text metric:text value:num unit:text basis:text per_1000:num"),
        ),
        Report(
            "lifecycle",
            _("Lifecycle of families' services"),
            _("Cost per family by months since the first contact, by cohort and service level."),
            selectors.lifecycle,
            fields=_fields(
                "cohort:year level:text families:int q0:eur q1:eur q2:eur q3:eur q4:eur q5:eur q6:eur "
                "q7:eur q8:eur total:eur"
            ),
        ),
    )
}
