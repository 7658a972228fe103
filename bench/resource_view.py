"""Benchmark of the resource view and a worker's calendar at regional scale.

    python bench/resource_view.py --database-url URL [--requests 50] [--browser]

The database must hold demo data, e.g. ``DATABASE_URL=URL python manage.py seed_demo
--scale 10`` (about 900 workers, 18,000 families and two million appointments). Prints,
for each case, server time p50/p95/max over N requests through Django's full request
stack (middleware, views, templates) and the number of SQL queries. With --browser it
also serves the data with runserver and measures in headless Chromium how long the
resource view of the whole region takes to draw and to load every row, and how smooth
scrolling stays. Figures only; nothing here asserts on time.
"""

from __future__ import annotations

import argparse
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def percentile(values, p):
    values = sorted(values)
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def measure(client, urls, capture):
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    times, queries = [], []
    for url in urls:
        reset_queries()
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries.append(len(ctx.captured_queries))
    return times, queries


def server_cases(n: int) -> list[tuple[str, list[float], list[int]]]:
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.test import Client, override_settings
    from django.utils import timezone

    from perhekeskus.people.models import Worker

    user = get_user_model().objects.get(username="koordinaattori")
    client = Client()
    client.force_login(user)
    workers = Worker.objects.filter(is_active=True).count()
    day = timezone.localdate() - dt.timedelta(days=14)  # a full past week
    week = day.isoformat()
    results = []
    with override_settings(RESOURCE_VIEW_CHUNK=100):
        urls = [f"/resources/rows/?view=week7&date={week}&offset={(i * 100) % max(1, workers - 100)}" for i in range(n)]
        client.get(urls[0])  # warm-up
        times, queries = measure(client, urls, True)
        results.append(("resource view rows, 100 workers x 1 week", times, queries))
    ids = list(Worker.objects.filter(is_active=True).order_by("?").values_list("pk", flat=True)[:n])
    urls = [f"/workers/{pk}/calendar/?view=month&date={day.isoformat()}" for pk in ids]
    client.get(urls[0])
    times, queries = measure(client, urls, True)
    results.append(("one worker's month", times, queries))
    urls = [f"/resources/?view=week&date={week}" for _ in range(n)]
    client.get(urls[0])
    times, queries = measure(client, urls, True)
    results.append(("resource view page, first 60 rows x work week", times, queries))
    # the family page of families with many appointments (the coordinator sees those of
    # the whole region's workers): the policy's disclosure over every entry, the log
    from django.db.models import Count

    from perhekeskus.people.models import Family

    busy = list(Family.objects.annotate(n=Count("appointments")).order_by("-n", "pk").values_list("pk", flat=True)[:n])
    urls = [f"/families/{pk}/calendar/?show=all" for pk in busy]
    client.get(urls[0])
    times, queries = measure(client, urls, True)
    results.append(("family page, all appointments (up to 500), the busiest families", times, queries))
    return results


def access_overhead_cases(n: int) -> list[tuple[str, list[float], list[float], list[int], list[int]]]:
    """The resource view with the who-sees-what checks and the access log on (as
    served) and off (patched out here, never in the product): per-row modes, the
    viewer's own appointments, one INSERT of the log per day view. Measured in
    alternating rounds so that both see the same cache and machine load."""
    import datetime as dt
    from unittest import mock

    from django.contrib.auth import get_user_model
    from django.test import Client, override_settings
    from django.utils import timezone

    from perhekeskus.people.models import Worker
    from perhekeskus.scheduling import selectors

    try:  # the front door writes the log (issue 13); before it the views did
        from perhekeskus.access import frontdoor as log_module
        from perhekeskus.access import policy
    except ImportError:
        from perhekeskus.scheduling import policy
        from perhekeskus.scheduling import views as log_module

    day = timezone.localdate() - dt.timedelta(days=14)
    workers = Worker.objects.filter(is_active=True).count()
    cases = []
    for username, label in (("koordinaattori", "coordinator"), ("perhetyontekija", "worker (busy time)")):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            continue
        client = Client()
        client.force_login(user)
        for view, title in (("day", "100 workers x day"), ("week7", "100 workers x week")):
            urls = [
                f"/resources/rows/?view={view}&date={day.isoformat()}&offset={(i * 100) % max(1, workers - 100)}"
                for i in range(n)
            ]
            on_t, off_t, on_q, off_q = [], [], [], []
            with override_settings(RESOURCE_VIEW_CHUNK=100):
                client.get(urls[0])
                for i in range(0, n, 5):
                    batch = urls[i : i + 5]
                    t, q = measure(client, batch, True)
                    on_t += t
                    on_q += q
                    with (
                        mock.patch.object(log_module, "access_log", lambda **kw: 0),
                        mock.patch.object(policy, "row_mode", lambda user, worker: policy.FULL),
                        mock.patch.object(selectors, "own_appointment_ids", lambda **kw: frozenset()),
                    ):
                        t, q = measure(client, batch, True)
                    off_t += t
                    off_q += q
            cases.append((f"{title}, {label}", on_t, off_t, on_q, off_q))
    return cases


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def browser_case(database_url: str, scroll_steps: int = 120) -> dict:
    import datetime as dt

    from django.utils import timezone
    from playwright.sync_api import sync_playwright

    from perhekeskus.people.models import Worker
    from tests.browser.conftest import ARGS as CHROMIUM_ARGS
    from tests.browser.conftest import CHROMIUM

    total = Worker.objects.filter(is_active=True).count()
    port = free_port()
    env = dict(os.environ, DATABASE_URL=database_url)
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--nothreading"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        week = (timezone.localdate() - dt.timedelta(days=14)).isoformat()
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = b.new_page(viewport={"width": 1600, "height": 1000})
            page.goto(f"{base}/login/")
            page.fill("#id_username", "koordinaattori")
            page.fill("#id_password", "perhekeskus-demo")
            page.click("button[type=submit]")
            page.wait_for_load_state()
            page.goto(f"{base}/resources/?view=week&date={week}")  # warm the server
            page.goto("about:blank")
            t0 = time.perf_counter()
            page.goto(f"{base}/resources/?view=week&date={week}", wait_until="commit")
            page.wait_for_selector("#rows .tl-row .tl-entry")
            page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
            first_usable = time.perf_counter() - t0
            # Scroll down until every worker's row is in the page.
            page.evaluate("""() => { window.__frames = []; let last = performance.now();
                function tick(t) { window.__frames.push(t - last); last = t; requestAnimationFrame(tick); }
                requestAnimationFrame(tick);
                window.__long = [];
                new PerformanceObserver(l => l.getEntries().forEach(e => window.__long.push(e.duration)))
                  .observe({type: 'longtask', buffered: false}); }""")
            # The remaining rows load by themselves after the first screen; wait for all.
            page.wait_for_function(f"document.querySelectorAll('#rows .tl-row').length >= {total}", timeout=120_000)
            page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
            all_rows = time.perf_counter() - t0
            rows = page.locator("#rows .tl-row").count()
            entries = page.locator("#rows .tl-entry").count()
            # Now scroll the whole list back up and down and watch the frame gaps.
            page.evaluate("() => { window.__frames = []; window.__long = []; }")
            # a fast fling: 400 px a frame, up through a third of the list and back down
            page.evaluate("window.scrollTo(0, document.body.scrollHeight / 2)")
            page.wait_for_timeout(300)
            page.evaluate("() => { window.__frames = []; window.__long = []; }")
            for i in range(scroll_steps):
                page.mouse.wheel(0, -400 if i < scroll_steps // 2 else 400)
                page.wait_for_timeout(16)
            frames = page.evaluate("window.__frames")
            longs = page.evaluate("window.__long")
            b.close()
    finally:
        server.terminate()
        server.wait(10)
    return {
        "workers": total,
        "rows": rows,
        "entries": entries,
        "first_usable_s": first_usable,
        "all_rows_s": all_rows,
        "frame_p95_ms": percentile(frames, 95) if frames else 0,
        "frame_max_ms": max(frames) if frames else 0,
        "long_tasks": len(longs),
        "long_task_max_ms": max(longs) if longs else 0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL") or f"sqlite:///{ROOT / 'var' / 'bench' / 'scale10.sqlite3'}",
    )
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--browser", action="store_true")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "perhekeskus.settings")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from django.conf import settings
    from django.db import connection

    import perhekeskus.wsgi  # noqa: F401 - loads Django as the server does (incl. its GC tuning)

    settings.ALLOWED_HOSTS = ["*"]
    from perhekeskus.people.models import Worker
    from perhekeskus.scheduling.models import Appointment

    workers = Worker.objects.count()
    if not workers:
        sys.exit(f"No data in {args.database_url}: run DATABASE_URL=... python manage.py seed_demo --scale 10")
    appointments = Appointment.objects.count()
    print(f"# perhekeskus resource view benchmark, {time.strftime('%Y-%m-%d')}")
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"database {connection.vendor} {connection.Database.__name__}"
    )
    print(f"data: {workers} workers, {appointments:,} appointments\n")
    print(f"{'case':50} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>8}")
    for name, times, queries in server_cases(args.requests):
        q = f"{min(queries)}" if min(queries) == max(queries) else f"{min(queries)}-{max(queries)}"
        print(f"{name:50} {statistics.median(times):8.1f} {percentile(times, 95):8.1f} {max(times):8.1f} {q:>8}")
    print("\nwho-sees-what checks and access log: on (as served) vs off (patched out)")
    print(f"{'case':50} {'p50 on':>8} {'p50 off':>8} {'p95 on':>8} {'p95 off':>8} {'overhead':>9} {'queries':>9}")
    for name, on_t, off_t, on_q, off_q in access_overhead_cases(args.requests):
        p50_on, p50_off = statistics.median(on_t), statistics.median(off_t)
        overhead = (p50_on / p50_off - 1) * 100
        print(
            f"{name:50} {p50_on:8.1f} {p50_off:8.1f} {percentile(on_t, 95):8.1f} {percentile(off_t, 95):8.1f} "
            f"{overhead:8.1f}% {max(on_q):>4}/{max(off_q):<4}"
        )
    if args.browser:
        r = browser_case(args.database_url)
        print(f"\nheadless Chromium, whole region ({r['workers']} workers), one work week:")
        print(f"  first rows drawn and usable  {r['first_usable_s']:.2f} s")
        print(f"  all {r['rows']} rows ({r['entries']:,} entries) loaded and drawn  {r['all_rows_s']:.2f} s")
        print(
            f"  scrolling at 400 px a frame: frame gap p95 {r['frame_p95_ms']:.1f} ms, max {r['frame_max_ms']:.1f} ms, "
            f"long tasks {r['long_tasks']} (longest {r['long_task_max_ms']:.0f} ms)"
        )


if __name__ == "__main__":
    main()
