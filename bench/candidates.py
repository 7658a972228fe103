"""Benchmark of the candidates for one service need (issue: allocation, part 1).

    python bench/candidates.py --database-url URL [--needs 30]

On demo data (``seed_demo --scale 10``): for each of N waiting needs, the candidate list
as the region's coordinator sees it (every worker of the need's service and
organisation, hard conditions, slot search over every week of the need), timed in the
process as the page and the API run it. Prints p50/p95/max and the query count per need;
never asserts on time.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=f"sqlite:///{ROOT / 'var' / 'bench' / 'scale10.sqlite3'}")
    parser.add_argument("--needs", type=int, default=30)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "perhekeskus.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from perhekeskus.allocation import candidates as engine
    from perhekeskus.intake.models import ServiceNeed

    user = get_user_model().objects.get(username="koordinaattori")
    needs = list(ServiceNeed.objects.filter(status="waiting").select_related("service", "family")[: args.needs])
    if not needs:
        sys.exit("no waiting needs in the database")
    engine.candidates(needs[0], user=user)  # warm-up
    times, queries, pools, weeks = [], [], [], []
    for need in needs:
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            found = engine.candidates(need, user=user)
            times.append((time.perf_counter() - t0) * 1000)
        queries.append(len(ctx.captured_queries))
        pools.append(len(found))
        weeks.append(need.weeks)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    print(f"# candidates for one need, {time.strftime('%Y-%m-%d')}")
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    print(f"machine: {machine}, {connection.vendor}")
    print(
        f"needs: {len(needs)}, workers considered per need {min(pools)}-{max(pools)}, weeks {min(weeks)}-{max(weeks)}"
    )
    print(f"p50 {statistics.median(times):.1f} ms  p95 {p95:.1f} ms  max {max(times):.1f} ms")
    print(f"queries per need: {min(queries)}-{max(queries)}")


if __name__ == "__main__":
    main()
