"""``manage.py check_append_only``: fails when the records that must never change could be
changed by the role the application runs as.

On PostgreSQL it asks the server what the connected role may do to each append-only table
(access/db.py): beyond SELECT and INSERT (UPDATE, DELETE, TRUNCATE, creating triggers),
owning it (an owner can ALTER it, disable or drop its triggers) or being a superuser is a
failure. Run it with the application's own DATABASE_URL in the deployment's checks; the
migrations run with the other role (docs/access.md, "Two database roles"). On SQLite
(demo, tests) it checks that every table has its triggers; SQLite has no roles.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from perhekeskus.access import db


class Command(BaseCommand):
    help = (
        "Fail when the database role in use could update, delete, truncate or alter the access log and the "
        "other append-only records (PostgreSQL), or when their triggers are missing (SQLite)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default", help="The connection to check (default: default).")

    def handle(self, *args, **options):
        connection = connections[options["database"]]
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                problems = db.privileges_problems(cursor)
            elif connection.vendor == "sqlite":
                problems = db.sqlite_trigger_problems(cursor)
            else:
                raise CommandError(f"no check for {connection.vendor}")
        if problems:
            raise CommandError(
                "The append-only records are not protected:\n- "
                + "\n- ".join(problems)
                + "\nRun the application as a role that may only SELECT and INSERT these tables (docs/access.md)."
            )
        tables = ", ".join(db.append_only_tables())
        self.stdout.write(f"ok: {connection.vendor}: {tables} can only be read and appended to")
