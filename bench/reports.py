"""Benchmark of the management reports at regional scale, with DuckDB as the yardstick.

    python bench/reports.py --database-url URL [--repeat 3] [--end 2026-11-23]
                            [--only family_hours,workload] [--pages]
                            [--duckdb FILE [--rebuild-duckdb]] [--json OUT]

The database must hold demo data (``seed_demo --scale 10`` or ``--scale 50``). Each
report of the catalogue runs for one year (the 365 days up to --end), for the whole
region, as the demo's regional manager (``johtaja``), through the same selector the page,
the export and the API call. Printed per report: the best and the median wall time of
--repeat runs after one warm-up, and the number of SQL queries; with --pages also the
page as a manager opens it (the whole request). Figures only; nothing here asserts on
time.

With --duckdb (PostgreSQL only): the tables the reports read are copied once from the
PostgreSQL database into a DuckDB file, and every SQL statement a report ran on
PostgreSQL (captured with its parameters) runs again in DuckDB over the same rows. That
is the same numbers computed by an analytical column store: the practical limit for a
scan of this data on this machine. The result sets are compared with PostgreSQL's
(floats to 1e-6 relative), so a ratio is never printed for a different answer.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import re
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "perhekeskus.settings")
    import django

    django.setup()


def run_reports(keys, f, user, repeat: int):
    """(key, times in s, query count, captured statements of the last run)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import translation

    from perhekeskus.reports.catalog import REPORTS

    out = []
    with translation.override("fi"):
        for key in keys:
            report = REPORTS[key]
            report.run(user, f)  # warm-up: caches, the OS page cache, PostgreSQL's buffers
            times, captured = [], []
            for _ in range(repeat):
                with CaptureQueriesContext(connection) as ctx:
                    t0 = time.perf_counter()
                    table = report.run(user, f)
                    times.append(time.perf_counter() - t0)
                captured = [q["sql"] for q in ctx.captured_queries]
            out.append((key, times, len(captured), captured, len(table.rows)))
            print(
                f"{key:22} best {min(times):7.3f} s  median {statistics.median(times):7.3f} s  "
                f"{len(captured):3d} queries  {len(table.rows):6d} rows",
                flush=True,
            )
    return out


def run_pages(keys, f, user, repeat: int) -> dict[str, list[float]]:
    """The report pages as a manager opens them: Django's whole request stack (session,
    middleware, the report, its table of up to 200 rows and chart data, rendering, the
    access log of the families shown)."""
    from django.test import Client, override_settings

    client = Client(HTTP_ACCEPT_LANGUAGE="fi")
    client.force_login(user)
    out = {}
    with override_settings(ALLOWED_HOSTS=["*"]):
        for key in keys:
            url = f"/reports/{key}/?start={f.start.isoformat()}&end={f.end.isoformat()}"
            client.get(url)  # warm-up: templates compiled, caches filled
            times = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                response = client.get(url)
                times.append(time.perf_counter() - t0)
                assert response.status_code == 200, (url, response.status_code)
            out[key] = times
            print(f"{key:22} page best {min(times):7.3f} s  ({len(response.content) // 1024} KiB)", flush=True)
    return out


# --- DuckDB --------------------------------------------------------------------------

PG_TO_DUCK = {
    "integer": "INTEGER",
    "bigint": "BIGINT",
    "smallint": "SMALLINT",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "timestamp with time zone": "TIMESTAMPTZ",
    "timestamp without time zone": "TIMESTAMP",
    "double precision": "DOUBLE",
    "real": "REAL",
    "uuid": "UUID",
    "interval": "INTERVAL",
    "time without time zone": "TIME",
}


def duck_type(data_type: str, precision, scale) -> str:
    if data_type == "numeric":
        return f"DECIMAL({precision or 18},{scale or 0})"
    return PG_TO_DUCK.get(data_type, "VARCHAR")


def tables_in(statements: list[str], known: set[str]) -> set[str]:
    # quoted by the ORM, bare in the lifecycle's own SQL
    return {name for sql in statements for name in re.findall(r"\b[a-z0-9_]+\b", sql) if name in known}


def build_duckdb(path: Path, tables: set[str]) -> None:
    """Copy the given tables from the Django (PostgreSQL) database into a DuckDB file,
    with the same names and column types."""
    import duckdb
    from django.db import connection

    duck = duckdb.connect(str(path))
    duck.execute("SET TimeZone='UTC'")
    existing = {r[0] for r in duck.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    with connection.cursor() as cur, tempfile.TemporaryDirectory() as tmp:
        cur.execute("SET TimeZone='UTC'")
        for table in sorted(tables - existing):
            cur.execute(
                "SELECT column_name, data_type, numeric_precision, numeric_scale FROM information_schema.columns "
                "WHERE table_schema = 'public' AND table_name = %s ORDER BY ordinal_position",
                [table],
            )
            columns = cur.fetchall()
            ddl = ", ".join(f'"{c}" {duck_type(t, p, s)}' for c, t, p, s in columns)
            duck.execute(f'CREATE TABLE "{table}" ({ddl})')
            csv_path = Path(tmp) / f"{table}.csv"
            t0 = time.perf_counter()
            # psycopg's own cursor (under Django's wrapper) streams COPY
            with open(csv_path, "wb") as out, cur.cursor.copy(f'COPY "{table}" TO STDOUT WITH (FORMAT csv)') as copy:
                for chunk in copy:
                    out.write(chunk)
            duck.execute(f"COPY \"{table}\" FROM '{csv_path}' (FORMAT csv, HEADER false, ALLOW_QUOTED_NULLS false)")
            n = duck.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
            print(f"  duckdb: {table} {n} rows in {time.perf_counter() - t0:.1f} s", flush=True)
            csv_path.unlink()
    duck.close()


def _norm(value):
    if isinstance(value, float | Decimal):
        return round(float(value), 6)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value
    return value


def _same(a: list, b: list) -> bool:
    if len(a) != len(b):
        return False
    key = lambda row: tuple((v is None, str(type(v) is float), str(_norm(v))) for v in row)  # noqa: E731
    for ra, rb in zip(sorted(a, key=key), sorted(b, key=key), strict=True):
        for va, vb in zip(ra, rb, strict=True):
            na, nb = _norm(va), _norm(vb)
            if isinstance(na, float) and isinstance(nb, float | int):
                if not math.isclose(na, nb, rel_tol=1e-6, abs_tol=1e-6):
                    return False
            elif isinstance(na, int) and isinstance(nb, float):
                if not math.isclose(na, nb, rel_tol=1e-6, abs_tol=1e-6):
                    return False
            elif na != nb:
                return False
    return True


def capture_portable(keys, f, user) -> dict[str, list[str]]:
    """Each report's statements as PostgreSQL runs them, but grouping by every selected
    column: PostgreSQL lets a query group by a primary key alone and select the row's
    other columns, DuckDB (which knows no primary keys here) does not. Same answers."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import translation

    from perhekeskus.reports.catalog import REPORTS

    out = {}
    connection.features.allows_group_by_selected_pks = False
    try:
        with translation.override("fi"):
            for key in keys:
                with CaptureQueriesContext(connection) as ctx:
                    REPORTS[key].run(user, f)
                out[key] = [q["sql"] for q in ctx.captured_queries]
    finally:
        del connection.features.allows_group_by_selected_pks
    return out


def to_duckdb(sql: str) -> str:
    """The one dialect difference the reports meet: PostgreSQL divides integers as
    integers (the lifecycle's whole months and quarters), DuckDB's ``/`` gives a float
    and ``//`` is its integer division."""
    sql = re.sub(r"(?<=\)) / (\d+)(?![\d.])", r" // \1", sql)
    return sql.replace(" m / 3 ", " m // 3 ")


def run_duckdb(path: Path, statements: dict[str, list[str]], repeat: int):
    """DuckDB's time for each report's statements, and whether its answers equal
    PostgreSQL's."""
    import duckdb
    from django.db import connection

    duck = duckdb.connect(str(path), read_only=True)
    duck.execute("SET TimeZone='UTC'")
    out = {}
    for key, sqls in statements.items():
        # the report's own work_mem setting (a PostgreSQL session setting) is no question
        selects = [s for s in sqls if s.lstrip().upper().startswith(("SELECT", "WITH")) and "set_config(" not in s]
        same = True
        with connection.cursor() as cur:
            for sql in selects:
                cur.execute(sql)
                theirs = duck.execute(to_duckdb(sql)).fetchall()
                if not _same(cur.fetchall(), theirs):
                    same = False
                    print(f"  {key}: DuckDB answered differently: {sql[:160]}", flush=True)
        times = []
        for _ in range(repeat + 1):
            t0 = time.perf_counter()
            for sql in selects:
                duck.execute(to_duckdb(sql)).fetchall()
            times.append(time.perf_counter() - t0)
        times = times[1:]  # the first run warms DuckDB's buffer
        out[key] = (times, same, len(selects))
        print(f"{key:22} duckdb best {min(times):7.3f} s  {'same answers' if same else 'DIFFERENT'}", flush=True)
    duck.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--end", type=dt.date.fromisoformat, default=None, help="last day of the year (today)")
    parser.add_argument("--only", default="", help="comma-separated report keys")
    parser.add_argument("--duckdb", type=Path, default=None, help="DuckDB file (PostgreSQL databases only)")
    parser.add_argument("--rebuild-duckdb", action="store_true")
    parser.add_argument("--pages", action="store_true", help="also time the report pages (whole request)")
    parser.add_argument("--json", type=Path, default=None, help="write the figures here too")
    args = parser.parse_args()
    setup(args.database_url)

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from perhekeskus.reports.catalog import REPORTS
    from perhekeskus.reports.selectors import Filters
    from perhekeskus.scheduling.models import Appointment, Participant

    end = args.end or timezone.localdate()
    f = Filters(start=end - dt.timedelta(days=364), end=end)
    user = get_user_model().objects.get(username="johtaja")
    keys = [k for k in args.only.split(",") if k] or list(REPORTS)
    print(
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{connection.vendor}; {Appointment.objects.count()} appointments, {Participant.objects.count()} participants; "
        f"period {f.start} - {f.end}, whole region, user johtaja",
        flush=True,
    )
    results = run_reports(keys, f, user, args.repeat)
    pages = run_pages(keys, f, user, args.repeat) if args.pages else {}
    duck = {}
    if args.duckdb:
        if connection.vendor != "postgresql":
            sys.exit("--duckdb compares with the PostgreSQL statements: give a PostgreSQL --database-url")
        if args.rebuild_duckdb and args.duckdb.exists():
            args.duckdb.unlink()
        with connection.cursor() as cur:
            cur.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")
            known = {r[0] for r in cur.fetchall()}
        portable = capture_portable(keys, f, user)
        build_duckdb(args.duckdb, tables_in([s for sqls in portable.values() for s in sqls], known))
        duck = run_duckdb(args.duckdb, portable, args.repeat)
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "vendor": connection.vendor,
                    "period": [f.start.isoformat(), f.end.isoformat()],
                    "reports": {
                        key: {
                            "best_s": min(times),
                            "median_s": statistics.median(times),
                            "queries": n,
                            "rows": rows,
                            **({"page_best_s": min(pages[key])} if key in pages else {}),
                            **(
                                {"duckdb_best_s": min(duck[key][0]), "duckdb_same": duck[key][1]} if key in duck else {}
                            ),
                        }
                        for key, times, n, _s, rows in results
                    },
                },
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
