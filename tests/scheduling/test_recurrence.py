"""Weekly recurring bookings: every occurrence checked, wall-clock time kept across DST."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from perhekeskus.scheduling import services
from perhekeskus.scheduling.models import Appointment, AppointmentSeries

from ..factories import local

HELSINKI = ZoneInfo("Europe/Helsinki")


@given(
    first=st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2030, 12, 31)),
    minutes=st.integers(min_value=6 * 60, max_value=20 * 60).map(lambda m: m - m % 15),
    length=st.sampled_from([30, 45, 60, 90, 120]),
    weekdays=st.sets(st.integers(1, 7), min_size=1, max_size=7),
    weeks=st.integers(1, 30),
)
@settings(max_examples=200, deadline=None)
def test_occurrences_keep_wall_clock_time_and_weekdays(first, minutes, length, weekdays, weeks):
    start = dt.datetime.combine(first, dt.time(minutes // 60, minutes % 60), tzinfo=HELSINKI)
    end = start + dt.timedelta(minutes=length)
    occurrences = services.recurrence_intervals(
        first_start=start, first_end=end, weekdays=sorted(weekdays), weeks=weeks
    )
    skipped = sum(1 for d in weekdays if d < first.isoweekday())
    assert len(occurrences) == weeks * len(weekdays) - skipped
    assert occurrences == sorted(occurrences, key=lambda i: i.start)
    for occ in occurrences:
        s, e = occ.start.astimezone(HELSINKI), occ.end.astimezone(HELSINKI)
        assert s.isoweekday() in weekdays
        assert s.time() == start.time()
        assert e.time() == end.time()
        assert s.date() >= first
        assert (s.date() - first).days < 7 * weeks


def test_recurring_series_crosses_the_spring_dst_change():
    # 29.3.2026 clocks go forward: Tuesday 9:30 stays 9:30, the UTC hour changes.
    occ = services.recurrence_intervals(
        first_start=local(2026, 3, 17, 9, 30), first_end=local(2026, 3, 17, 11), weekdays=[2], weeks=3
    )
    assert [o.start.astimezone(dt.UTC).hour for o in occ] == [7, 7, 6]
    assert {o.start.astimezone(HELSINKI).strftime("%H:%M") for o in occ} == {"09:30"}


@pytest.mark.django_db
def test_every_occurrence_is_checked_and_nothing_is_saved_on_a_conflict(worker, work_type):
    # the third Tuesday is taken
    services.appointment_book(
        actor=None,
        worker=worker,
        work_type=work_type,
        start=local(2026, 9, 29, 10),
        end=local(2026, 9, 29, 11),
        confirm_outside_shift=True,
    )
    with pytest.raises(services.BookingConflict) as err:
        services.appointment_book_recurring(
            actor=None,
            worker=worker,
            work_type=work_type,
            start=local(2026, 9, 15, 9, 30),
            end=local(2026, 9, 15, 11),
            weekdays=[2, 4],
            weeks=12,
            confirm_outside_shift=True,
        )
    assert "29.9.2026" in " ".join(err.value.messages)
    assert Appointment.objects.count() == 1
    assert AppointmentSeries.objects.count() == 0


@pytest.mark.django_db
def test_change_one_or_all_following(worker, pair_worker, work_type):
    created = services.appointment_book_recurring(
        actor=None,
        worker=worker,
        work_type=work_type,
        start=local(2026, 9, 15, 9, 30),
        end=local(2026, 9, 15, 11),
        weekdays=[2],
        weeks=6,
        confirm_outside_shift=True,
    )
    assert len(created) == 6
    # one occurrence only
    services.appointment_update(
        actor=None,
        appointment=created[1],
        start=local(2026, 9, 22, 12),
        end=local(2026, 9, 22, 13, 30),
        confirm_outside_shift=True,
    )
    # the 4th and every following: Wednesday at 10:00, with a work pair
    services.appointment_update(
        actor=None,
        appointment=created[3],
        scope="following",
        start=local(2026, 10, 7, 10),
        end=local(2026, 10, 7, 11, 30),
        pair=pair_worker,
        confirm_outside_shift=True,
    )
    starts = [timezone.localtime(a.planned_start, HELSINKI) for a in Appointment.objects.order_by("planned_start")]
    assert [s.strftime("%a %H:%M") for s in starts] == [
        "Tue 09:30",
        "Tue 12:00",
        "Tue 09:30",
        "Wed 10:00",
        "Wed 10:00",
        "Wed 10:00",
    ]
    assert Appointment.objects.filter(participants__resource=pair_worker.resource).count() == 3


@pytest.mark.django_db
def test_following_change_checks_every_moved_occurrence(worker, work_type):
    created = services.appointment_book_recurring(
        actor=None,
        worker=worker,
        work_type=work_type,
        start=local(2026, 9, 15, 9),
        end=local(2026, 9, 15, 10),
        weekdays=[2],
        weeks=4,
        confirm_outside_shift=True,
    )
    services.appointment_book(
        actor=None,
        worker=worker,
        work_type=work_type,
        start=local(2026, 10, 6, 13),
        end=local(2026, 10, 6, 14),
        confirm_outside_shift=True,
    )
    with pytest.raises(services.BookingConflict):
        services.appointment_update(
            actor=None,
            appointment=created[0],
            scope="following",
            start=local(2026, 9, 15, 13),
            end=local(2026, 9, 15, 14),
            confirm_outside_shift=True,
        )
    assert timezone.localtime(Appointment.objects.get(pk=created[0].pk).planned_start, HELSINKI).hour == 9
