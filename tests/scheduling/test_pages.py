"""The calendar pages, through Django's test client."""

import datetime as dt
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from perhekeskus.scheduling import services
from perhekeskus.scheduling.models import Appointment

from ..factories import UnitFactory, add_shifts, local, make_person, make_worker

pytestmark = pytest.mark.django_db

MON = dt.date(2026, 9, 14)


@pytest.fixture
def coord_client(client, coordinator):
    client.force_login(coordinator)
    return client


def test_pages_need_login(client):
    r = client.get("/resources/")
    assert r.status_code == 302 and r["Location"].startswith("/login/")


def test_the_ui_speaks_finnish_by_default_and_swedish_on_request(coord_client):
    assert "Resurssinäkymä" in coord_client.get("/resources/").content.decode()
    r = coord_client.get("/resources/", HTTP_ACCEPT_LANGUAGE="sv")
    assert "Resursvy" in r.content.decode()


def _fill_region(n_workers, work_type, family, units):
    for i in range(n_workers):
        w = make_worker(f"Työntekijä Nro{i:03d}", unit=units[i % len(units)])
        add_shifts(w, MON, 5)
        for d in range(5):
            for h in (9, 11, 13):
                services.appointment_book(
                    actor=None,
                    worker=w,
                    work_type=work_type,
                    family=family,
                    start=local(2026, 9, 14 + d, h),
                    end=local(2026, 9, 14 + d, h + 1),
                )


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
    assert r.status_code == 200
    return len(ctx.captured_queries), r


def test_resource_view_runs_a_fixed_number_of_queries(coord_client, work_type, family, settings):
    settings.RESOURCE_VIEW_CHUNK = 100
    units = [UnitFactory(), UnitFactory()]
    _fill_region(4, work_type, family, units)
    url = "/resources/?date=2026-09-16&view=week"
    _queries(coord_client, url)
    few, r = _queries(coord_client, url)
    assert r.content.decode().count('class="tl-row"') == 4
    _fill_region(16, work_type, family, units)
    many, r = _queries(coord_client, url)
    assert r.content.decode().count('class="tl-row"') == 20
    assert many == few
    assert many <= 16


def test_resource_view_filters_pages_and_shows_free_hours(coord_client, work_type, family, settings):
    settings.RESOURCE_VIEW_CHUNK = 3
    units = [UnitFactory(name="Perhetyö"), UnitFactory(name="Neuvola")]
    _fill_region(5, work_type, family, units)
    r = coord_client.get("/resources/?date=2026-09-16&view=week")
    html = r.content.decode()
    assert html.count('class="tl-row"') == 3 and "tl-more" in html
    # 5 days x 8 h shifts, 15 h booked: 25.0 free hours, Finnish decimal comma
    assert ">25,0<" in html
    r = coord_client.get("/resources/rows/?date=2026-09-16&view=week&offset=3")
    assert r.content.decode().count('class="tl-row"') == 2 and "tl-more" not in r.content.decode()
    r = coord_client.get(f"/resources/?date=2026-09-16&unit={units[1].pk}")
    assert r.content.decode().count('class="tl-row"') == 2
    r = coord_client.get("/resources/?date=2026-09-16&q=Nro004")
    assert r.content.decode().count('class="tl-row"') == 1
    r = coord_client.get("/resources/?date=2026-09-16&view=day")
    assert r.content.decode().count("tl-entry") >= 9


def test_a_worker_sees_the_resource_view_as_busy_time(client, worker_user, pair_worker, work_type, family):
    services.appointment_book(
        actor=None,
        worker=pair_worker,
        work_type=work_type,
        family=family,
        notes_to_heed="Koira kotona",
        start=local(2026, 9, 14, 9),
        end=local(2026, 9, 14, 10),
        confirm_outside_shift=True,
    )
    client.force_login(worker_user)
    html = client.get("/resources/?view=day&date=2026-09-14").content.decode()
    assert "Välitön asiakastyö" in html and "is-busy" in html  # the work class, in Finnish
    for secret in ("Miettinen", "Koira", work_type.name):
        assert secret not in html
    assert not re.search(r"/appointments/\d+/", html)  # no links into others' appointments
    assert 'data-book="1"' not in html  # nobody else's time to book


def test_booking_form_prefills_from_the_clicked_slot(coord_client, worker):
    r = coord_client.get(f"/appointments/new/?worker={worker.pk}&start=2026-09-14T10:15")
    html = r.content.decode()
    assert 'value="10:15"' in html and 'value="2026-09-14"' in html
    assert f'<option value="{worker.pk}" selected>' in html


def _form(worker, work_type, **kw):
    data = {
        "worker": worker.pk,
        "work_type": work_type.pk,
        "date": "2026-09-14",
        "start_time": "09:30",
        "end_time": "10:30",
        "location_kind": "unit",
    }
    data.update(kw)
    return data


def test_booking_through_the_form_with_pair_and_family(coord_client, worker, pair_worker, work_type, family):
    add_shifts(worker, MON, 1)
    add_shifts(pair_worker, MON, 1)
    child = make_person(family)
    r = coord_client.post(
        "/appointments/new/",
        _form(
            worker,
            work_type,
            family=family.pk,
            persons=[child.pk],
            location_kind="client_home",
            pair=pair_worker.pk,
            notes_to_heed="Liukas etupiha",
        ),
    )
    assert r.status_code == 302
    a = Appointment.objects.get()
    assert a.planned_start == local(2026, 9, 14, 9, 30)
    assert a.participants.count() == 2 and list(a.persons.all()) == [child]
    detail = coord_client.get(r["Location"]).content.decode()
    assert "Liukas etupiha" in detail and "Seppo Sosiaalityöntekijä" in detail


def test_form_errors_are_shown_in_finnish_and_nothing_is_saved(coord_client, worker, work_type):
    services.appointment_book(
        actor=None,
        worker=worker,
        work_type=work_type,
        start=local(2026, 9, 14, 9),
        end=local(2026, 9, 14, 10),
        confirm_outside_shift=True,
    )
    r = coord_client.post("/appointments/new/", _form(worker, work_type, start_time="11:00", end_time="10:00"))
    assert "Lopun on oltava alun jälkeen." in r.content.decode()
    r = coord_client.post("/appointments/new/", _form(worker, work_type, confirm_outside_shift="on"))
    assert "on jo varattu 14.9.2026 09:00–10:00" in r.content.decode()
    assert Appointment.objects.count() == 1


def test_outside_shift_asks_for_confirmation_in_the_form(coord_client, worker, work_type):
    add_shifts(worker, MON, 1)
    r = coord_client.post("/appointments/new/", _form(worker, work_type, start_time="16:00", end_time="17:00"))
    html = r.content.decode()
    assert r.status_code == 200 and 'name="confirm_outside_shift"' in html and "ei ole työvuoroa" in html
    assert Appointment.objects.count() == 0
    r = coord_client.post(
        "/appointments/new/", _form(worker, work_type, start_time="16:00", end_time="17:00", confirm_outside_shift="on")
    )
    assert r.status_code == 302 and Appointment.objects.count() == 1


def test_recurring_booking_through_the_form(coord_client, worker, work_type):
    r = coord_client.post(
        "/appointments/new/",
        _form(worker, work_type, repeat="on", weekdays=["1", "3"], weeks="3", confirm_outside_shift="on"),
    )
    assert r.status_code == 302
    assert Appointment.objects.filter(series__isnull=False).count() == 6


def test_nonexistent_spring_forward_time_is_refused(coord_client, worker, work_type):
    r = coord_client.post(
        "/appointments/new/",
        _form(worker, work_type, date="2026-03-29", start_time="03:30", end_time="05:00", confirm_outside_shift="on"),
    )
    assert "kesäajan" in r.content.decode()
    assert Appointment.objects.count() == 0


def test_worker_calendars_in_every_view(client, worker_user, worker, pair_worker, work_type, family):
    a = services.appointment_book(
        actor=None,
        worker=worker,
        work_type=work_type,
        start=local(2026, 9, 14, 9),
        end=local(2026, 9, 14, 10),
        family=family,
        pair=pair_worker,
        confirm_outside_shift=True,
    )
    client.force_login(worker_user)
    for view in ("day", "week", "month", "list"):
        r = client.get(f"/workers/{worker.pk}/calendar/?view={view}&date=2026-09-14")
        assert r.status_code == 200
        assert f"/appointments/{a.pk}/" in r.content.decode(), view
    # another worker's calendar shows a worker the entries they take part in, in full
    html = client.get(f"/workers/{pair_worker.pk}/calendar/?view=day&date=2026-09-14").content.decode()
    assert f"/appointments/{a.pk}/" in html and family.name in html


def test_two_click_realise_and_cancel_from_the_day_view(client, worker_user, worker, work_type, family):
    a = services.appointment_book(
        actor=None,
        worker=worker,
        work_type=work_type,
        start=local(2026, 9, 14, 9),
        end=local(2026, 9, 14, 10),
        family=family,
        confirm_outside_shift=True,
    )
    b = services.appointment_book(
        actor=None,
        worker=worker,
        work_type=work_type,
        start=local(2026, 9, 14, 11),
        end=local(2026, 9, 14, 12),
        family=family,
        confirm_outside_shift=True,
    )
    client.force_login(worker_user)
    day = f"/workers/{worker.pk}/calendar/?view=day&date=2026-09-14"
    assert f'action="/appointments/{a.pk}/realise/"' in client.get(day).content.decode()
    r = client.post(f"/appointments/{a.pk}/realise/", {"next": day})
    assert r.status_code == 302 and r["Location"] == day
    r = client.post(f"/appointments/{b.pk}/cancel/", {"reason": "client_no_show", "next": day})
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.status == "realised" and a.actual_start == a.planned_start
    assert (b.status, b.cancellation_reason, b.cancelled_by) == ("cancelled", "client_no_show", "client")
    assert b.changes.get(action="cancelled").changed_by == worker_user


def test_family_calendar_shows_every_service_and_worker(coord_client, worker, pair_worker, work_type, family):
    for w, h in ((worker, 9), (pair_worker, 12)):
        services.appointment_book(
            actor=None,
            worker=w,
            work_type=work_type,
            start=local(2026, 9, 14, h),
            end=local(2026, 9, 14, h + 1),
            family=family,
            confirm_outside_shift=True,
        )
    html = coord_client.get(f"/families/{family.pk}/calendar/?show=all").content.decode()
    assert "Päivi Perhetyöntekijä" in html and "Seppo Sosiaalityöntekijä" in html


def test_family_calendar_is_404_without_a_relationship(client, worker_user, pair_worker, work_type, family):
    services.appointment_book(
        actor=None,
        worker=pair_worker,
        work_type=work_type,
        start=local(2026, 9, 14, 9),
        end=local(2026, 9, 14, 10),
        family=family,
        confirm_outside_shift=True,
    )
    client.force_login(worker_user)
    assert client.get(f"/families/{family.pk}/calendar/").status_code == 404


def test_drag_to_move_endpoint(coord_client, worker, pair_worker, work_type):
    add_shifts(worker, MON, 1)
    add_shifts(pair_worker, MON, 1)
    a = services.appointment_book(
        actor=None, worker=worker, work_type=work_type, start=local(2026, 9, 14, 9), end=local(2026, 9, 14, 10)
    )
    services.appointment_book(
        actor=None, worker=pair_worker, work_type=work_type, start=local(2026, 9, 14, 13), end=local(2026, 9, 14, 14)
    )

    def move(**body):
        return coord_client.post(f"/appointments/{a.pk}/move/", json.dumps(body), content_type="application/json")

    r = move(start="2026-09-14T13:30", worker=pair_worker.pk)
    assert r.status_code == 409 and "Seppo" in r.json()["errors"]["planned_start"][0]
    r = move(start="2026-09-14T15:30", worker=pair_worker.pk)
    assert r.status_code == 409 and "confirm" in r.json()
    r = move(start="2026-09-14T11:15", worker=pair_worker.pk)
    assert r.status_code == 200
    a.refresh_from_db()
    assert a.planned_start == local(2026, 9, 14, 11, 15) and a.planned_end == local(2026, 9, 14, 12, 15)
    assert a.participants.get().resource_id == pair_worker.resource_id
    assert move(start="nonsense").status_code == 400
    rows = coord_client.get(f"/resources/rows/?date=2026-09-14&view=day&ids={worker.pk},{pair_worker.pk}")
    assert rows.content.decode().count('class="tl-row"') == 2


def test_edit_following_occurrences_through_the_form(coord_client, worker, work_type):
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
    r = coord_client.get(f"/appointments/{created[1].pk}/edit/")
    assert 'name="scope"' in r.content.decode()
    r = coord_client.post(
        f"/appointments/{created[1].pk}/edit/",
        _form(
            worker,
            work_type,
            date="2026-09-22",
            start_time="14:00",
            end_time="15:00",
            scope="following",
            confirm_outside_shift="on",
        ),
    )
    assert r.status_code == 302
    hours = [
        a.planned_start.astimezone(local(2026, 1, 1).tzinfo).hour for a in Appointment.objects.order_by("planned_start")
    ]
    assert hours == [9, 14, 14, 14]


def test_admin_creates_a_bookable_worker_and_shows_no_client_data(client, admin_user, unit):
    from perhekeskus.people.models import Worker

    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    r = client.post(
        "/admin/people/worker/add/",
        {
            "first_name": "Uusi",
            "last_name": "Työntekijä",
            "organisation": unit.organisation_id,
            "unit": unit.pk,
            "profession": "family_worker",
            "is_active": "on",
        },
    )
    assert r.status_code == 302, r.content[:2000]
    worker = Worker.objects.get(last_name="Työntekijä")
    assert worker.resource.name == "Uusi Työntekijä"
    # client data is never in the admin: no appointments, families, persons, consents
    for url in (
        "/admin/scheduling/appointment/",
        "/admin/people/family/",
        "/admin/people/person/",
        "/admin/people/namedworker/",
        "/admin/access/consent/",
        "/admin/access/accessevent/",
        "/admin/intake/contact/",
    ):
        assert client.get(url).status_code == 404, url
    index = client.get("/admin/").content.decode()
    assert "/admin/people/worker/" in index and "/admin/people/family/" not in index


def test_editing_a_single_appointment_through_the_form(coord_client, worker, work_type):
    a = services.appointment_book(
        actor=None,
        worker=worker,
        work_type=work_type,
        start=local(2026, 9, 15, 9),
        end=local(2026, 9, 15, 10),
        confirm_outside_shift=True,
    )
    assert 'name="scope"' not in coord_client.get(f"/appointments/{a.pk}/edit/").content.decode()
    r = coord_client.post(
        f"/appointments/{a.pk}/edit/",
        _form(worker, work_type, date="2026-09-15", start_time="11:00", end_time="12:30", confirm_outside_shift="on"),
    )
    assert r.status_code == 302
    a.refresh_from_db()
    assert a.planned_start == local(2026, 9, 15, 11) and a.planned_end == local(2026, 9, 15, 12, 30)


def test_the_history_says_in_words_what_changed(coord_client, worker, pair_worker, work_type):
    a = services.appointment_book(
        actor=None, worker=worker, work_type=work_type, start=local(2026, 9, 15, 9), end=local(2026, 9, 15, 10),
        confirm_outside_shift=True,
    )  # fmt: skip
    services.appointment_update(
        actor=None, appointment=a, worker=pair_worker, start=local(2026, 9, 15, 11), confirm_outside_shift=True
    )
    html = coord_client.get(f"/appointments/{a.pk}/").content.decode()
    assert "(aika, työntekijät)" in html and "planned_start" not in html and "(workers)" not in html
