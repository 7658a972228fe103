"""Benchmark of issue 16: the common slot search of the network meeting on one call, and
the family's overall picture.

    python bench/network_meeting.py --database-url URL [--runs 30]

On demo data (``seed_demo --scale 10``): (1) common free slots for 8 workers of different
services over the next 8 weeks, with the network's reserved slot, for N random groups;
(2) the overall picture of the family with the most appointments, as an administrator
sees it (every entry through the disclosure rules, figures, overlaps, path, timeline).
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
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "perhekeskus.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.db.models import Count
    from django.test import RequestFactory
    from django.test.utils import CaptureQueriesContext

    from perhekeskus.access.frontdoor import Caller
    from perhekeskus.families import selectors, usecases
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

    family = Family.objects.annotate(n=Count("appointments")).order_by("-n").first()
    user, _ = get_user_model().objects.get_or_create(username="bench-admin")
    RoleAssignment.objects.get_or_create(user=user, role=ADMINISTRATOR)
    request = RequestFactory().get("/")
    request.user = user
    caller = Caller(user=user, request=request)
    times, queries = [], []
    for _ in range(args.runs):
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            page = usecases.family_overview_for(caller, family.pk)
            times.append(time.perf_counter() - t)
        queries.append(len(ctx.captured_queries))
    o = page.overview
    print(f"family with {family.n} appointments, {len(o.services)} services in use")
    _figures("overall picture", times, queries)


if __name__ == "__main__":
    main()
