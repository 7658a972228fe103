"""Benchmark of issue 16: the common slot search of the network meeting on one call, and
the family's overall picture.

    python bench/network_meeting.py --database-url URL [--runs 30]

On demo data (``seed_demo --scale 10``): (1) common free slots for 8 workers of different
services over the next 8 weeks, with the network's reserved slot, for N random groups;
(2) the overall picture as an administrator sees it (every entry through the disclosure
rules, figures, overlaps, path, timeline), of the demo's largest family and of a family
built for the run with ``--appointments`` appointments (500) over ``--services`` services
(5): early-morning visits of one worker per service, realised in the past, planned ahead,
with their worker-hour rows, inside a transaction that is rolled back, so the database is
left as it was.
Prints p50/p95/max and query counts; never asserts on time.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _figures(name: str, times: list[float], queries: list[int]) -> None:
    times = sorted(times)
    p95 = times[max(0, round(0.95 * len(times)) - 1)]
    print(
        f"{name}: runs {len(times)}  p50 {statistics.median(times) * 1000:.1f} ms  p95 {p95 * 1000:.1f} ms  "
        f"max {times[-1] * 1000:.1f} ms  queries {min(queries)}–{max(queries)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=f"sqlite:///{ROOT / 'var' / 'bench' / 'scale10.sqlite3'}")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--appointments", type=int, default=500)
    parser.add_argument("--services", type=int, default=5)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "perhekeskus.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.db.models import Count
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    from perhekeskus.access.frontdoor import Caller
    from perhekeskus.families import selectors
    from perhekeskus.families.models import MeetingNetwork
    from perhekeskus.people.models import Family, RoleAssignment, Worker
    from perhekeskus.people.roles import ADMINISTRATOR

    rnd = random.Random(7)
    by_service: dict[int, list] = {}
    for w in Worker.objects.filter(is_active=True, service__isnull=False).select_related("unit"):
        by_service.setdefault(w.service_id, []).append(w)
    network = MeetingNetwork.objects.filter(is_active=True).first()
    print(f"{connection.vendor}, {Worker.objects.count()} workers, network: {network}")
    times, queries = [], []
    for _ in range(args.runs):
        services = rnd.sample(list(by_service), min(8, len(by_service)))
        workers = [rnd.choice(by_service[s]) for s in services]
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            selectors.meeting_slots(workers=workers, minutes=60, network=network, weeks=8)
            times.append(time.perf_counter() - t)
        queries.append(len(ctx.captured_queries))
    _figures("common slots, 8 workers, 8 weeks", times, queries)

    user, _ = get_user_model().objects.get_or_create(username="bench-admin")
    RoleAssignment.objects.get_or_create(user=user, role=ADMINISTRATOR)
    request = RequestFactory().get("/")
    request.user = user
    caller = Caller(user=user, request=request)
    largest = Family.objects.annotate(n=Count("appointments")).order_by("-n").first()
    _overview_case(caller, largest, "the demo's largest family", args.runs)
    with transaction.atomic():
        built = _bench_family(target=args.appointments, services=args.services, rnd=rnd)
        _overview_case(caller, built, "a family built for the run", args.runs)
        transaction.set_rollback(True)


def _overview_case(caller, family, name: str, runs: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from perhekeskus.families import usecases

    times, queries = [], []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            page = usecases.family_overview_for(caller, family.pk)
            times.append(time.perf_counter() - t)
        queries.append(len(ctx.captured_queries))
    o = page.overview
    n = family.appointments.count()
    services = len({s.service.pk for s in o.services})
    print(
        f"{name}: {n} appointments, {services} services in use ({len(o.services)} member-service rows), "
        f"{len(o.overlaps)} overlap warnings"
    )
    _figures("overall picture", times, queries)


def _bench_family(*, target: int, services: int, rnd):
    """A family of two guardians and two children with ``target`` appointments over
    ``services`` services (one worker each, at 05:00 local time on distinct days so no one
    is double-booked, a year back and a month ahead); the worker-hour rows are written as
    a booking writes them."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from perhekeskus.people.models import Family, Membership, Person, Worker
    from perhekeskus.reports.services import work_facts_refresh
    from perhekeskus.scheduling.models import Appointment, Participant, WorkType

    family = Family.objects.create(
        name="Perhe Mittaus", address="Mittauskuja 1", postal_code="78300", municipality="Varkaus"
    )
    persons = []
    for first, role, born in (
        ("Aada", Person.Role.GUARDIAN, dt.date(1988, 3, 1)),
        ("Ville", Person.Role.GUARDIAN, dt.date(1986, 7, 9)),
        ("Eetu", Person.Role.CHILD, dt.date(2015, 5, 2)),
        ("Lilja", Person.Role.CHILD, dt.date(2019, 11, 20)),
    ):
        p = Person.objects.create(first_name=first, last_name="Mittaus", birth_date=born)
        Membership.objects.create(family=family, person=p, role=role)
        persons.append(p)
    chosen: list[tuple] = []
    for wt in WorkType.objects.filter(is_active=True, work_class="direct_client").select_related("service"):
        if wt.service_id in {c[0].service_id for c in chosen}:
            continue
        worker = Worker.objects.filter(is_active=True, service_id=wt.service_id).select_related("resource").first()
        if worker:
            chosen.append((wt, worker))
        if len(chosen) == services:
            break
    tz = ZoneInfo("Europe/Helsinki")
    today = timezone.localdate()
    now = timezone.now()
    rows, parts = [], []
    per_service = target // len(chosen) + 1
    for i in range(target):
        wt, worker = chosen[i % len(chosen)]
        day = today - dt.timedelta(days=335) + dt.timedelta(days=(i // len(chosen)) * 365 // per_service)
        start = dt.datetime.combine(day, dt.time(5, 0), tz)
        end = start + dt.timedelta(minutes=45)
        realised = end < now and rnd.random() < 0.9
        rows.append(
            Appointment(
                work_type=wt, family=family, planned_start=start, planned_end=end,
                unit_price=wt.default_unit_price, location_kind=Appointment.LocationKind.CLIENT_HOME,
                status=Appointment.Status.REALISED if realised else Appointment.Status.PLANNED,
                actual_start=start if realised else None, actual_end=end if realised else None,
            )
        )  # fmt: skip
    Appointment.objects.bulk_create(rows)
    if not rows[0].pk:  # databases that do not return ids from a bulk insert
        rows = list(family.appointments.order_by("id"))
    for i, ap in enumerate(rows):
        wt, worker = chosen[i % len(chosen)]
        parts.append(
            Participant(
                appointment=ap, resource=worker.resource, role=Participant.Role.PRIMARY,
                start=ap.planned_start, end=ap.planned_end,
            )
        )  # fmt: skip
    Participant.objects.bulk_create(parts)
    through = Appointment.persons.through
    through.objects.bulk_create(
        [through(appointment_id=ap.pk, person_id=persons[i % len(persons)].pk) for i, ap in enumerate(rows)]
    )
    work_facts_refresh([ap.pk for ap in rows])
    return family


if __name__ == "__main__":
    main()
