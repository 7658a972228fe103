"""Benchmark of re-planning an ill worker's week (allocation, part 3):

    python bench/replan.py [--workers 100] [--visits 25] [--database-url sqlite:////tmp/replan.sqlite3]

Builds a region in a fresh database (one service of ``--workers`` workers with 08-16
shifts for two weeks, each worker's week about 60 % booked, the ill worker's week with
``--visits`` visits), records the absence and times ``replan.plan``; prints the time, the
visits placed at their own time, moved to a new time or cancelled, and the other
workers' appointments changed by accepting (the goal is 0). Never asserts on time.
"""

import argparse
import datetime as dt
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=100)
    parser.add_argument("--visits", type=int, default=25)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp()}/replan.sqlite3"
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "perhekeskus.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from perhekeskus.allocation import replan
    from perhekeskus.network.models import Organisation, Service, Unit
    from perhekeskus.people.models import Family, Worker
    from perhekeskus.scheduling import services
    from perhekeskus.scheduling.models import Appointment, Participant, Resource, Shift, WorkType

    call_command("migrate", verbosity=0)
    if Worker.objects.exists():
        sys.exit("use an empty database")
    rnd = random.Random(args.seed)
    tz = timezone.get_current_timezone()
    org = Organisation.objects.create(name="Alue", kind="wellbeing_area")
    service = Service.objects.create(organisation=org, name="Perhetyö", level="early_support", sector="social")
    unit = Unit.objects.create(organisation=org, name="Tiimi")
    wt = WorkType.objects.create(service=service, name="Käynti", work_class="direct_client", default_unit_price=50)
    monday = timezone.localdate() + dt.timedelta(days=7 - timezone.localdate().weekday())
    workers = []
    for i in range(args.workers):
        r = Resource.objects.create(kind="worker", name=f"T{i}")
        workers.append(
            Worker.objects.create(
                resource=r,
                first_name="T",
                last_name=f"{i:03d}",
                organisation=org,
                unit=unit,
                service=service,
                base_latitude=62.31,
                base_longitude=27.87,
            )  # fmt: skip
        )
    families = [Family.objects.create(name=f"Perhe {i}") for i in range(300)]
    days = [monday + dt.timedelta(days=d) for d in range(14) if (monday + dt.timedelta(days=d)).weekday() < 5]
    Shift.objects.bulk_create(
        [
            Shift(
                worker=w,
                start=dt.datetime.combine(d, dt.time(8), tzinfo=tz),
                end=dt.datetime.combine(d, dt.time(16), tzinfo=tz),
            )
            for w in workers
            for d in days
        ]
    )
    ill = workers[0]
    appointments, participants = [], []
    week = days[:5]
    for w in workers:
        # the ill worker: --visits visits in the week; the others about 60 % booked
        slots = [(d, h) for d in week for h in range(8, 16)]
        count = args.visits if w is ill else int(len(slots) * 0.6)
        for d, h in rnd.sample(slots, min(count, len(slots))):
            start = dt.datetime.combine(d, dt.time(h), tzinfo=tz)
            appointments.append(
                Appointment(work_type=wt, planned_start=start, planned_end=start + dt.timedelta(minutes=60),
                            unit_price=50, family=rnd.choice(families), location_kind="client_home")
            )  # fmt: skip
            participants.append((w, start))
    created = Appointment.objects.bulk_create(appointments)
    Participant.objects.bulk_create(
        [
            Participant(appointment=a, resource_id=w.resource_id, role="primary", start=a.planned_start,
                        end=a.planned_end, active=True)
            for a, (w, _s) in zip(created, participants, strict=True)
        ]
    )  # fmt: skip
    absence = services.absence_record(
        actor=None,
        worker=ill,
        start=dt.datetime.combine(week[0], dt.time(0), tzinfo=tz),
        end=dt.datetime.combine(week[-1] + dt.timedelta(days=1), dt.time(0), tzinfo=tz),
        reason="ill",
    )
    from django.contrib.auth import get_user_model

    from perhekeskus.people.models import RoleAssignment

    user = get_user_model().objects.create_user("koordinaattori")
    RoleAssignment.objects.create(user=user, role="administrator")
    others_before = {
        p.pk: (p.resource_id, p.start, p.end) for p in Participant.objects.exclude(resource_id=ill.resource_id)
    }
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        plan = replan.plan(absence, user=user)
        times.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    replan.apply(actor=user, the_plan=plan)
    applied = time.perf_counter() - t0
    after = {p.pk: (p.resource_id, p.start, p.end) for p in Participant.objects.filter(pk__in=list(others_before))}
    moved_others = sum(1 for k, v in others_before.items() if after.get(k) != v)
    print(f"# re-planning an ill worker's week, {time.strftime('%Y-%m-%d')}")
    print(f"# {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, {url.split(':')[0]}")
    print(f"region: {args.workers} workers, ill worker's week {len(plan.items)} visits")
    print(f"plan: best {min(times):.2f} s, worst {max(times):.2f} s of 3; accepting {applied:.2f} s")
    print(
        f"placed at their own time {plan.count_reassign}, moved to a new time {plan.count_move}, "
        f"cancelled {plan.count_cancel}; other workers' appointments moved: {moved_others}"
    )


if __name__ == "__main__":
    main()
