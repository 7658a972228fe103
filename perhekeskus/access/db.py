"""Database triggers that make the access log append-only, on PostgreSQL and SQLite.

On PostgreSQL TRUNCATE is not covered (a statement, not a row operation): in production
the application's database role has no TRUNCATE privilege on the log, and retention
purges are a DBA's procedure (docs/access.md)."""

TABLE = "access_accessevent"

PG_INSTALL = f"""
CREATE OR REPLACE FUNCTION access_log_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the access log is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS access_log_no_update ON {TABLE};
CREATE TRIGGER access_log_no_update BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION access_log_append_only();
"""
PG_REMOVE = f"DROP TRIGGER IF EXISTS access_log_no_update ON {TABLE};"

SQLITE_INSTALL = [
    f"""CREATE TRIGGER IF NOT EXISTS access_log_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;""",
    f"""CREATE TRIGGER IF NOT EXISTS access_log_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;""",
]
SQLITE_REMOVE = ["DROP TRIGGER IF EXISTS access_log_no_update;", "DROP TRIGGER IF EXISTS access_log_no_delete;"]


def install(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(PG_INSTALL)
        elif connection.vendor == "sqlite":
            for sql in SQLITE_INSTALL:
                cursor.execute(sql)


def remove(connection) -> None:
    """Only for tearing down test databases, which Django empties row by row on SQLite."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(PG_REMOVE)
        elif connection.vendor == "sqlite":
            for sql in SQLITE_REMOVE:
                cursor.execute(sql)
