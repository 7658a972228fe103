"""Load test of the public help button: a burst of submissions on loopback, then a
check that every accepted submission is in the database.

    python bench/help_button_load.py [--database-url URL] [--rate 200] [--seconds 30]
                                     [--workers 4] [--threads 8]

Creates a fresh database (SQLite file under var/bench/ unless --database-url names a
PostgreSQL database, which is emptied), serves the project with gunicorn on 127.0.0.1,
and sends --rate POSTs a second for --seconds from an open-loop generator (each request
is sent at its scheduled time whatever the server's speed; many connections at once).
Each message carries a unique marker. Prints the accepted (302), refused and failed
counts, latency percentiles and whether every accepted marker is stored. The per-address
rate limit is raised for the run: every request comes from 127.0.0.1. Figures only.
"""

from __future__ import annotations

import argparse
import http.client
import os
import platform
import queue
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values, p):
    values = sorted(values)
    if not values:
        return float("nan")
    k = (len(values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--database-url", default=f"sqlite:///{ROOT}/var/bench/help_load.sqlite3")
    ap.add_argument("--rate", type=int, default=200)
    ap.add_argument("--seconds", type=int, default=30)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--connections", type=int, default=200)
    args = ap.parse_args()

    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "DJANGO_SETTINGS_MODULE": "perhekeskus.settings",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-secret-key-" + "x" * 40),
        "HELP_RATE_LIMIT": "100000000",
        "DEBUG": "0",
    }
    if args.database_url.startswith("sqlite:///"):
        path = Path(args.database_url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    else:
        subprocess.run([sys.executable, "manage.py", "flush", "--noinput"], cwd=ROOT, env=env, check=False)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    setup = (
        "from perhekeskus.network.models import Organisation;"
        "Organisation.objects.create(name='Alue', kind='wellbeing_area', answers_for_municipalities='Varkaus')"
    )
    subprocess.run([sys.executable, "manage.py", "shell", "-c", setup], cwd=ROOT, env=env, check=True)

    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "perhekeskus.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--worker-class",
            "gthread",
            "--backlog",
            "2048",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/help/")
                first = conn.getresponse()
                body = first.read().decode()
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit("server did not start")
        cookie = first.getheader("Set-Cookie", "")
        csrf = re.search(r"csrftoken=([^;]+)", cookie).group(1)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)

        total = args.rate * args.seconds
        jobs: queue.Queue = queue.Queue()
        results: list[tuple[int, int, float]] = []  # (n, status, seconds)
        lock = threading.Lock()
        start_at = time.perf_counter() + 0.5

        def sender():
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            while True:
                n = jobs.get()
                if n is None:
                    return
                due = start_at + n / args.rate
                delay = due - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                data = urlencode(
                    {
                        "csrfmiddlewaretoken": token,
                        "message": f"Kuormitustesti viesti load-{n:06d}: huoli arjesta.",
                        "age_group": "0-2",
                        "municipality": "Varkaus",
                        "answer_by": "anonymous",
                        "website": "",
                    }
                )
                headers = {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Cookie": f"csrftoken={csrf}",
                    "Referer": f"http://127.0.0.1:{port}/help/",
                }
                t0 = time.perf_counter()
                try:
                    conn.request("POST", "/help/", data, headers)
                    response = conn.getresponse()
                    response.read()
                    status = response.status
                except (OSError, http.client.HTTPException):
                    status = 0
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                # measured from the scheduled time: queueing in the client counts too
                with lock:
                    results.append((n, status, time.perf_counter() - min(t0, due)))

        for n in range(total):
            jobs.put(n)
        threads = [threading.Thread(target=sender, daemon=True) for _ in range(args.connections)]
        for _ in threads:
            jobs.put(None)
        wall0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - wall0
    finally:
        server.terminate()
        server.wait(timeout=30)

    accepted = {n for n, status, _ in results if status == 302}
    by_status: dict[int, int] = {}
    for _n, status, _s in results:
        by_status[status] = by_status.get(status, 0) + 1
    check = (
        "from perhekeskus.intake.models import Contact;"
        "import re;"
        "print(','.join(re.search(r'load-(\\d+)', m).group(1) "
        "for m in Contact.objects.values_list('message', flat=True)))"
    )
    shell = [sys.executable, "manage.py", "shell", "-c", check]
    out = subprocess.run(shell, cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    out = out.stdout.strip().splitlines()[-1]
    stored = {int(x) for x in out.split(",") if x}
    latencies = [s for _n, status, s in results if status == 302]
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    print(f"database: {args.database_url.split('@')[-1]}")
    print(f"server: gunicorn {args.workers} workers x {args.threads} threads; client: {args.connections} connections")
    print(f"sent {len(results)} in {wall:.1f} s ({len(results) / wall:.0f}/s offered {args.rate}/s)")
    print(f"statuses: {dict(sorted(by_status.items()))}")
    print(f"accepted {len(accepted)}, stored {len(stored)}, accepted but missing {len(accepted - stored)}")
    if latencies:
        print(
            f"latency of accepted (ms): p50 {percentile(latencies, 50) * 1000:.0f}, "
            f"p95 {percentile(latencies, 95) * 1000:.0f}, p99 {percentile(latencies, 99) * 1000:.0f}, "
            f"max {max(latencies) * 1000:.0f}, mean {statistics.mean(latencies) * 1000:.0f}"
        )
    print("LOST SUBMISSIONS" if accepted - stored else "nothing accepted was lost")


if __name__ == "__main__":
    main()
