"""The booking rules of the calendar, through the service functions."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from perhekeskus.scheduling import services
from perhekeskus.scheduling.models import Appointment, AppointmentChange, Participant

from ..factories import FamilyFactory, add_shift, add_shifts, local, make_person, make_worker

pytestmark = pytest.mark.django_db

MON = dt.date(2026, 9, 14)  # a Monday in the past, so appointments can be realised


def book(worker, work_type, start, end, **kw):
    kw.setdefault("confirm_outside_shift", True)
    return services.appointment_book(actor=None, worker=worker, work_type=work_type, start=start, end=end, **kw)


def test_booking_has_the_fields_of_the_varkaus_calendar_entry(worker, pair_worker, work_type, family):
    add_shifts(worker, MON, 1)
    add_shifts(pair_worker, MON, 1)
    child = make_person(family)
    a = services.appointment_book(
        actor=None,
        worker=worker,
        work_type=work_type,
        start=local(2026, 9, 14, 9, 30),
        end=local(2026, 9, 14, 10, 30),
        family=family,
        persons=[child],
        location_kind="client_home",
        notes_to_heed="Liukas etupiha",
        pair=pair_worker,
    )
    a.refresh_from_db()
    assert a.unit_price == Decimal("62.00")  # from the work type
    assert a.address == "Miettistenkuja 2, 78300 Varkaus"  # the family's home
    assert a.notes_to_heed == "Liukas etupiha"
    assert list(a.persons.all()) == [child]
    roles = sorted(a.participants.values_list("role", "resource_id"))
    assert roles == sorted([("primary", worker.resource_id), ("pair", pair_worker.resource_id)])
    # read back from the database: stored in UTC, the same instant as 9:30 in Helsinki
    assert a.planned_start.utcoffset() == dt.timedelta(0)
    assert a.planned_start == local(2026, 9, 14, 9, 30)
    assert AppointmentChange.objects.filter(appointment=a, action="created").count() == 1


def test_unit_price_is_kept_as_booked_when_the_work_type_price_changes(worker, work_type):
    a = book(worker, work_type, local(2026, 9, 14, 9), local(2026, 9, 14, 10))
    work_type.default_unit_price = Decimal("99.00")
    work_type.save()
    a.refresh_from_db()
    assert a.unit_price == Decimal("62.00")


def test_double_booking_the_worker_is_refused_with_what_it_collides(worker, work_type):
    book(worker, work_type, local(2026, 9, 14, 9), local(2026, 9, 14, 10))
    with pytest.raises(services.BookingConflict) as err:
        book(worker, work_type, local(2026, 9, 14, 9, 30), local(2026, 9, 14, 11))
    message = " ".join(err.value.messages)
    assert "Päivi Perhetyöntekijä" in message and "14.9.2026 09:00–10:00" in message
    assert work_type.name in message
    assert Appointment.objects.count() == 1


def test_double_booking_the_work_pair_is_refused(worker, pair_worker, work_type):
    book(pair_worker, work_type, local(2026, 9, 14, 9), local(2026, 9, 14, 10))
    with pytest.raises(services.BookingConflict) as err:
        book(worker, work_type, local(2026, 9, 14, 9, 45), local(2026, 9, 14, 10, 30), pair=pair_worker)
    assert "Seppo Sosiaalityöntekijä" in " ".join(err.value.messages)
    assert Appointment.objects.count() == 1
    assert Participant.objects.count() == 1


def test_back_to_back_bookings_are_allowed_and_cancelled_ones_free_the_time(worker, work_type):
    first = book(worker, work_type, local(2026, 9, 14, 9), local(2026, 9, 14, 10))
    book(worker, work_type, local(2026, 9, 14, 10), local(2026, 9, 14, 11))
    services.appointment_cancel(actor=None, appointment=first, reason="client_cancelled")
    book(worker, work_type, local(2026, 9, 14, 9), local(2026, 9, 14, 10))
    assert Appointment.objects.exclude(status="cancelled").count() == 2


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"start": local(2026, 9, 14, 10), "end": local(2026, 9, 14, 9)}, "planned_end"),
        ({"start": local(2026, 9, 14, 10), "end": local(2026, 9, 14, 10)}, "planned_end"),
        ({"unit_price": Decimal("-1")}, "unit_price"),
        ({"location_kind": "client_home"}, "location_kind"),
    ],
)
def test_invalid_bookings_give_field_errors_and_save_nothing(worker, work_type, kwargs, field):
    args = {"start": local(2026, 9, 14, 9), "end": local(2026, 9, 14, 10)} | kwargs
    with pytest.raises(ValidationError) as err:
        book(worker, work_type, **args)
    assert field in err.value.error_dict
    assert Appointment.objects.count() == 0 and Participant.objects.count() == 0


def test_pair_must_be_another_worker_and_persons_must_belong_to_the_family(worker, work_type, family):
    with pytest.raises(ValidationError) as err:
        book(worker, work_type, local(2026, 9, 14, 9), local(2026, 9, 14, 10), pair=worker)
    assert "pair" in err.value.error_dict
    stranger = make_person(FamilyFactory())
    with pytest.raises(ValidationError) as err:
        book(worker, work_type, local(2026, 9, 14, 9), local(2026, 9, 14, 10), family=family, persons=[stranger])
    assert "persons" in err.value.error_dict


def test_errors_are_translated_to_finnish(worker, work_type):
    with translation.override("fi"), pytest.raises(ValidationError) as err:
        book(worker, work_type, local(2026, 9, 14, 10), local(2026, 9, 14, 9))
    assert err.value.error_dict["planned_end"][0].messages == ["Lopun on oltava alun jälkeen."]


def test_booking_outside_shifts_needs_confirmation(worker, work_type, settings):
    add_shift(worker, local(2026, 9, 14, 8), local(2026, 9, 14, 16))
    with pytest.raises(services.OutsideShift) as err:
        services.appointment_book(
            actor=None, worker=worker, work_type=work_type, start=local(2026, 9, 14, 15), end=local(2026, 9, 14, 17)
        )
    assert "no shift covering" in " ".join(err.value.messages)
    assert Appointment.objects.count() == 0
    services.appointment_book(
        actor=None,
        worker=worker,
        work_type=work_type,
        start=local(2026, 9, 14, 15),
        end=local(2026, 9, 14, 17),
        confirm_outside_shift=True,
    )
    assert Appointment.objects.count() == 1
    # inside the shift: no warning
    services.appointment_book(
        actor=None, worker=worker, work_type=work_type, start=local(2026, 9, 14, 9), end=local(2026, 9, 14, 10)
    )
    settings.BOOKING_OUTSIDE_SHIFT = "refuse"
    with pytest.raises(ValidationError) as err:
        book(worker, work_type, local(2026, 9, 14, 17), local(2026, 9, 14, 18), confirm_outside_shift=True)
    assert "not allowed" in " ".join(err.value.messages)


def test_adjacent_shifts_cover_a_booking_that_spans_them(worker, work_type):
    add_shift(worker, local(2026, 9, 14, 8), local(2026, 9, 14, 12))
    add_shift(worker, local(2026, 9, 14, 12), local(2026, 9, 14, 16))
    services.appointment_book(
        actor=None, worker=worker, work_type=work_type, start=local(2026, 9, 14, 11), end=local(2026, 9, 14, 13)
    )


def test_realise_defaults_to_planned_times_and_can_be_corrected(worker, work_type):
    a = book(worker, work_type, local(2026, 9, 14, 9), local(2026, 9, 14, 10))
    services.appointment_realise(actor=None, appointment=a)
    a.refresh_from_db()
    assert (a.status, a.actual_start, a.actual_end) == ("realised", a.planned_start, a.planned_end)
    services.appointment_realise(
        actor=None, appointment=a, actual_start=local(2026, 9, 14, 9, 10), actual_end=local(2026, 9, 14, 10, 20)
    )
    a.refresh_from_db()
    assert a.actual_end - a.actual_start == dt.timedelta(minutes=70)
    assert list(a.changes.values_list("action", flat=True)) == ["created", "realised", "realised"]


def test_an_appointment_cannot_be_realised_before_it_starts(worker, work_type):
    start = timezone.now() + dt.timedelta(days=2)
    a = book(worker, work_type, start, start + dt.timedelta(hours=1))
    with pytest.raises(ValidationError) as err:
        services.appointment_realise(actor=None, appointment=a)
    assert "actual_start" in err.value.error_dict


def test_cancel_needs_a_reason_and_other_needs_text(worker, work_type):
    a = book(worker, work_type, local(2026, 9, 14, 9), local(2026, 9, 14, 10))
    with pytest.raises(ValidationError):
        services.appointment_cancel(actor=None, appointment=a, reason="")
    with pytest.raises(ValidationError) as err:
        services.appointment_cancel(actor=None, appointment=a, reason="other", text="  ")
    assert "text" in err.value.error_dict
    services.appointment_cancel(actor=None, appointment=a, reason="worker_ill")
    a.refresh_from_db()
    assert (a.status, a.cancellation_reason, a.cancelled_by) == ("cancelled", "worker_ill", "worker")
    assert not a.participants.filter(active=True).exists()
    with pytest.raises(ValidationError):
        services.appointment_realise(actor=None, appointment=a)


def test_a_realised_appointment_cannot_be_cancelled_or_changed(worker, work_type):
    a = book(worker, work_type, local(2026, 9, 14, 9), local(2026, 9, 14, 10))
    services.appointment_realise(actor=None, appointment=a)
    with pytest.raises(ValidationError):
        services.appointment_cancel(actor=None, appointment=a, reason="client_cancelled")
    with pytest.raises(ValidationError):
        services.appointment_update(actor=None, appointment=a, start=local(2026, 9, 14, 11))


def test_database_refuses_actual_times_on_a_planned_entry_and_cancellation_without_reason(worker, work_type):
    a = book(worker, work_type, local(2026, 9, 14, 9), local(2026, 9, 14, 10))
    a.actual_start, a.actual_end = a.planned_start, a.planned_end
    with pytest.raises(IntegrityError), transaction.atomic():
        a.save()
    a.refresh_from_db()
    a.status = "cancelled"
    with pytest.raises(IntegrityError), transaction.atomic():
        a.save()
    a.refresh_from_db()
    a.unit_price = Decimal("-5")
    with pytest.raises(IntegrityError), transaction.atomic():
        a.save()


def test_move_to_another_worker_checks_the_new_worker(worker, pair_worker, work_type):
    a = book(worker, work_type, local(2026, 9, 14, 9), local(2026, 9, 14, 10))
    book(pair_worker, work_type, local(2026, 9, 14, 13), local(2026, 9, 14, 14))
    with pytest.raises(services.BookingConflict):
        services.appointment_move(
            actor=None, appointment=a, start=local(2026, 9, 14, 13, 30), worker=pair_worker, confirm_outside_shift=True
        )
    services.appointment_move(
        actor=None, appointment=a, start=local(2026, 9, 14, 11), worker=pair_worker, confirm_outside_shift=True
    )
    a.refresh_from_db()
    assert a.planned_start == local(2026, 9, 14, 11) and a.planned_end == local(2026, 9, 14, 12)
    assert a.participants.get().resource_id == pair_worker.resource_id
    change = a.changes.get(action="updated")
    assert set(change.changes) >= {"planned_start", "planned_end", "workers"}


def test_history_does_not_copy_client_text(worker, work_type, family):
    a = book(
        worker, work_type, local(2026, 9, 14, 9), local(2026, 9, 14, 10), family=family, notes_to_heed="Koira kotona"
    )
    services.appointment_update(actor=None, appointment=a, notes_to_heed="Ovikoodi 1234")
    for change in a.changes.all():
        assert "Koira" not in str(change.changes) and "1234" not in str(change.changes)


def test_a_day_across_the_autumn_dst_change_keeps_real_durations(worker, work_type):
    # 25.10.2026 clocks go from 04:00 back to 03:00 in Helsinki: 02:30-04:30 lasts three hours.
    a = book(worker, work_type, local(2026, 10, 25, 2, 30), dt.datetime(2026, 10, 25, 2, 30, tzinfo=dt.UTC))
    assert a.planned_end - a.planned_start == dt.timedelta(hours=3)
    assert timezone.localtime(a.planned_end).strftime("%H:%M") == "04:30"


def test_inactive_worker_cannot_be_booked(work_type):
    w = make_worker("Lea Lähtenyt")
    w.is_active = False
    w.save()
    with pytest.raises(ValidationError) as err:
        book(w, work_type, local(2026, 9, 14, 9), local(2026, 9, 14, 10))
    assert "worker" in err.value.error_dict
