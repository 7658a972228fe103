"""Records that must never change after the fact, kept so by the database itself.

A model marks itself append-only with ``APPEND_ONLY = True``: the access log, consents
and their withdrawals, emergency accesses and their reviews, an appointment's history,
intake's events. A correction or a withdrawal is a new row. Each app's migration
installs the triggers of its own tables with ``install_table``:

- SQLite: BEFORE UPDATE and BEFORE DELETE raise; BEFORE INSERT raises when the id is
  taken, which is what ``INSERT OR REPLACE`` would otherwise turn into a silent delete
  (SQLite does not fire delete triggers for REPLACE unless recursive triggers are on).
- PostgreSQL: a row trigger refuses UPDATE and DELETE, a statement trigger refuses
  TRUNCATE. The owner of a table can still disable or drop triggers: in production the
  application runs as a role that may only SELECT and INSERT these tables, and
  ``manage.py check_append_only`` fails when the running role could do more
  (docs/access.md, "Two database roles").
"""

from __future__ import annotations

from django.apps import apps

MESSAGE = "append-only: a correction is a new row"


def append_only_tables() -> list[str]:
    return sorted(m._meta.db_table for m in apps.get_models() if getattr(m, "APPEND_ONLY", False))


_PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION perhekeskus_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is {MESSAGE}', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def _pg_install(table: str) -> list[str]:
    return [
        _PG_FUNCTION,
        f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}";',
        f'CREATE TRIGGER "{table}_append_only" BEFORE UPDATE OR DELETE ON "{table}" '
        "FOR EACH ROW EXECUTE FUNCTION perhekeskus_append_only();",
        f'DROP TRIGGER IF EXISTS "{table}_no_truncate" ON "{table}";',
        f'CREATE TRIGGER "{table}_no_truncate" BEFORE TRUNCATE ON "{table}" '
        "FOR EACH STATEMENT EXECUTE FUNCTION perhekeskus_append_only();",
    ]


def _pg_remove(table: str) -> list[str]:
    return [
        f'DROP TRIGGER IF EXISTS "{table}_append_only" ON "{table}";',
        f'DROP TRIGGER IF EXISTS "{table}_no_truncate" ON "{table}";',
    ]


def _sqlite_install(table: str) -> list[str]:
    raise_ = f"SELECT RAISE(ABORT, '{table} is {MESSAGE}');"
    return [
        f'CREATE TRIGGER IF NOT EXISTS "{table}_no_update" BEFORE UPDATE ON "{table}" BEGIN {raise_} END;',
        f'CREATE TRIGGER IF NOT EXISTS "{table}_no_delete" BEFORE DELETE ON "{table}" BEGIN {raise_} END;',
        f'CREATE TRIGGER IF NOT EXISTS "{table}_no_replace" BEFORE INSERT ON "{table}" '  # noqa: S608 (names from models)
        f'WHEN EXISTS (SELECT 1 FROM "{table}" WHERE id = NEW.id) BEGIN {raise_} END;',
    ]


def _sqlite_remove(table: str) -> list[str]:
    return [f'DROP TRIGGER IF EXISTS "{table}_{kind}";' for kind in ("no_update", "no_delete", "no_replace")]


def _run(connection, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def install_table(connection, table: str) -> None:
    if connection.vendor == "postgresql":
        _run(connection, _pg_install(table))
    elif connection.vendor == "sqlite":
        _run(connection, _sqlite_install(table))


def remove_table(connection, table: str) -> None:
    if connection.vendor == "postgresql":
        _run(connection, _pg_remove(table))
    elif connection.vendor == "sqlite":
        _run(connection, _sqlite_remove(table))


def install(connection) -> None:
    """Every append-only table's triggers (idempotent)."""
    for table in append_only_tables():
        install_table(connection, table)


def remove(connection) -> None:
    """Only for tearing down test databases (Django empties them row by row on SQLite and
    truncates them on PostgreSQL) and for the demo generator's bulk back-dating."""
    for table in append_only_tables():
        remove_table(connection, table)


# Old trigger names (migration access/0002) replaced by the ones above.
LEGACY_SQLITE = ["DROP TRIGGER IF EXISTS access_log_no_update;", "DROP TRIGGER IF EXISTS access_log_no_delete;"]
LEGACY_PG = ["DROP TRIGGER IF EXISTS access_log_no_update ON access_accessevent;"]


def privileges_problems(cursor) -> list[str]:
    """What the role of this PostgreSQL connection could do to the append-only tables
    beyond SELECT and INSERT: each problem as a sentence. Empty: the two-role
    deployment holds."""
    problems = []
    cursor.execute("SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user")
    user, superuser = cursor.fetchone()
    if superuser:
        problems.append(f"the role {user} is a superuser: it can do anything to every table")
    for table in append_only_tables():
        cursor.execute(
            """
            SELECT has_table_privilege(current_user, c.oid, 'UPDATE'),
                   has_table_privilege(current_user, c.oid, 'DELETE'),
                   has_table_privilege(current_user, c.oid, 'TRUNCATE'),
                   pg_has_role(current_user, c.relowner, 'USAGE'),
                   has_table_privilege(current_user, c.oid, 'TRIGGER')
            FROM pg_class c WHERE c.oid = to_regclass(%s)
            """,
            [table],
        )
        row = cursor.fetchone()
        if row is None:
            problems.append(f"{table} does not exist")
            continue
        update, delete, truncate, owner, trigger = row
        for allowed, what in (
            (update, "UPDATE"),
            (delete, "DELETE"),
            (truncate, "TRUNCATE"),
            (trigger, "create triggers on"),
        ):
            if allowed:
                problems.append(f"the role {user} may {what} {table}")
        if owner:
            problems.append(f"the role {user} owns {table}: it can ALTER it, disable or drop its triggers")
    return problems


def sqlite_trigger_problems(cursor) -> list[str]:
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    present = {name for (name,) in cursor.fetchall()}
    return [
        f"{table} lacks its trigger {table}_{kind}"
        for table in append_only_tables()
        for kind in ("no_update", "no_delete", "no_replace")
        if f"{table}_{kind}" not in present
    ]


class lifted:  # noqa: N801 (a context manager used like a statement)
    """The append-only triggers of one table lifted for a bulk job and put back after it,
    even when it fails. Only the demo generator uses it (it back-dates the demo's intake
    events after running the real services); production code never does."""

    def __init__(self, connection, table: str):
        self.connection, self.table = connection, table

    def __enter__(self):
        remove_table(self.connection, self.table)
        return self

    def __exit__(self, *exc):
        install_table(self.connection, self.table)
        return False
