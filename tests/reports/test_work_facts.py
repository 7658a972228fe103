"""The reports' worker-hour rows (``reports.WorkFact``) stay exact through every booking
service: after each change they equal a rebuild from the calendar, and they hold what
the calendar says (hand-checked values)."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from perhekeskus.reports.models import WorkFact
from perhekeskus.reports.services import work_facts_refresh
from perhekeskus.scheduling.models import Appointment
from perhekeskus.scheduling.services import (
    BookingConflict,
    appointment_book,
    appointment_book_recurring,
    appointment_cancel,
    appointment_move,
    appointment_realise,
    appointment_update,
)
from tests.factories import local

FIELDS = (
    "participant_id",
    "appointment_id",
    "worker_id",
    "role",
    "start",
    "day",
    "status",
    "work_type_id",
    "family_id",
    "location_kind",
    "cancellation_reason",
    "cancelled_by",
    "late",
    "planned_seconds",
    "actual_seconds",
    "unit_price",
    "month",
)


def _facts() -> list[tuple]:
    return sorted(WorkFact.objects.values_list(*FIELDS))


def assert_exact() -> list[tuple]:
    """The rows the booking services left equal the rows rebuilt from the calendar."""
    kept = _facts()
    work_facts_refresh()
    assert _facts() == kept
    return kept


def rows_of(appointment) -> list[dict]:
    return list(WorkFact.objects.filter(appointment=appointment).order_by("role").values(*FIELDS))


def test_rows_hold_what_the_calendar_says(region):
    r = region
    assert_exact()
    # 8 appointments, a2 with a work pair: 9 worker rows
    assert WorkFact.objects.count() == 9
    (a1,) = rows_of(r.a1_)
    assert (a1["worker_id"], a1["role"], a1["status"]) == (r.w1.pk, "primary", "realised")
    assert a1["day"] == dt.date(2026, 1, 5)
    assert (a1["planned_seconds"], a1["actual_seconds"], a1["unit_price"]) == (7200, 9000, Decimal("60.00"))
    assert (a1["family_id"], a1["location_kind"], a1["late"]) == (r.f1.pk, "client_home", False)
    pair = [row for row in rows_of(r.a2) if row["role"] == "pair"]
    assert [(p["worker_id"], p["planned_seconds"], p["actual_seconds"]) for p in pair] == [(r.w3.pk, 3600, 3600)]
    (a3,) = rows_of(r.a3)
    # cancelled today, long after its start in January: a late cancellation
    assert (a3["status"], a3["cancellation_reason"], a3["cancelled_by"], a3["late"]) == (
        "cancelled",
        "client_cancelled",
        "client",
        True,
    )
    assert (a3["planned_seconds"], a3["actual_seconds"]) == (5400, 0)
    (a7,) = rows_of(r.a7)
    assert (a7["status"], a7["actual_seconds"]) == ("planned", 0)


def test_rows_follow_update_move_realise_cancel_and_recurring(region):
    r = region
    # a pair added, a new price and another family
    appointment_update(actor=None, appointment=r.a7, pair=r.w1, unit_price=Decimal("75"), family=r.f2)
    assert_exact()
    rows = rows_of(r.a7)
    assert [(x["worker_id"], x["role"]) for x in rows] == [(r.w1.pk, "pair"), (r.w2.pk, "primary")]
    assert {(x["unit_price"], x["family_id"]) for x in rows} == {(Decimal("75.00"), r.f2.pk)}
    # the pair removed again, the work type changed
    appointment_update(actor=None, appointment=r.a7, pair=None, work_type=r.wa_meet, family=None)
    assert_exact()
    (row,) = rows_of(r.a7)
    assert (row["work_type_id"], row["family_id"]) == (r.wa_meet.pk, None)
    # moved to another time of the next day: start, day and planned time follow
    appointment_move(actor=None, appointment=r.a5, start=local(2026, 1, 6, 12, 0))
    assert_exact()
    (row,) = rows_of(r.a5)
    assert (row["start"], row["day"], row["planned_seconds"]) == (local(2026, 1, 6, 12, 0), dt.date(2026, 1, 6), 3600)
    # realised 10 minutes shorter than planned
    appointment_realise(
        actor=None, appointment=r.a7, actual_start=local(2026, 1, 5, 13, 0), actual_end=local(2026, 1, 5, 14, 50)
    )
    assert_exact()
    assert [(x["status"], x["planned_seconds"], x["actual_seconds"]) for x in rows_of(r.a7)] == [
        ("realised", 7200, 6600)
    ]
    # cancelled
    appointment_cancel(actor=None, appointment=r.a6, reason="worker_ill", cancelled_by="worker")
    assert_exact()
    assert [(x["status"], x["cancellation_reason"]) for x in rows_of(r.a6)] == [("cancelled", "worker_ill")]
    # a weekly series: a row per occurrence
    series = appointment_book_recurring(
        actor=None,
        worker=r.w2,
        work_type=r.wa,
        start=local(2026, 2, 2, 9),
        end=local(2026, 2, 2, 10),
        weekdays=[1],
        weeks=3,
        family=r.f1,
        confirm_outside_shift=True,
    )
    kept = assert_exact()
    assert len(series) == 3
    assert {row[5] for row in kept if row[1] in {a.pk for a in series}} == {
        dt.date(2026, 2, 2),
        dt.date(2026, 2, 9),
        dt.date(2026, 2, 16),
    }


def test_day_is_the_local_day_and_a_refused_booking_leaves_the_rows(region):
    r = region
    # 00:30 in Helsinki is 22:30 UTC the day before: the row belongs to the local day
    late_night = appointment_book(
        actor=None,
        worker=r.w3,
        work_type=r.wb,
        start=local(2026, 1, 7, 0, 30),
        end=local(2026, 1, 7, 1, 30),
        family=r.f2,
        confirm_outside_shift=True,
    )
    (row,) = rows_of(late_night)
    assert (row["day"], row["month"]) == (dt.date(2026, 1, 7), dt.date(2026, 1, 1))
    # the first half hour of February in Helsinki is still January in UTC: February's row
    first_of_month = appointment_book(
        actor=None,
        worker=r.w3,
        work_type=r.wb,
        start=local(2026, 2, 1, 0, 30),
        end=local(2026, 2, 1, 1, 0),
        family=r.f2,
        confirm_outside_shift=True,
    )
    (row,) = rows_of(first_of_month)
    assert (row["day"], row["month"]) == (dt.date(2026, 2, 1), dt.date(2026, 2, 1))
    before = _facts()
    with pytest.raises(BookingConflict):
        appointment_book(
            actor=None,
            worker=r.w3,
            work_type=r.wb,
            start=local(2026, 1, 7, 1, 0),
            end=local(2026, 1, 7, 2, 0),
            confirm_outside_shift=True,
        )
    assert _facts() == before


def test_rebuild_command_restores_rows_after_a_bulk_load(region):
    WorkFact.objects.all().delete()
    out = io.StringIO()
    call_command("work_facts", "--rebuild", stdout=out)
    assert out.getvalue().startswith("9 worker-hour rows")
    assert WorkFact.objects.count() == 9
    assert_exact()


def test_check_command_finds_rows_written_past_the_services(region):
    out = io.StringIO()
    call_command("work_facts", "--check", stdout=out)
    assert "They match the calendar." in out.getvalue()
    # a raw write to an appointment (not through the booking services) leaves its rows stale
    # (an appointment without a pair: one row), and a row deleted by hand goes missing
    paired = WorkFact.objects.filter(role="pair").values("appointment_id")
    fact = WorkFact.objects.filter(role="primary").exclude(appointment_id__in=paired).first()
    Appointment.objects.filter(pk=fact.appointment_id).update(unit_price=fact.unit_price + 1)
    WorkFact.objects.filter(pk=WorkFact.objects.exclude(appointment_id=fact.appointment_id).first().pk).delete()
    with pytest.raises(CommandError, match="2 missing or different, 1 no longer"):
        call_command("work_facts", "--check", stdout=io.StringIO())
    call_command("work_facts", "--rebuild", "--check", stdout=out)
    assert out.getvalue().endswith("They match the calendar.\n")
