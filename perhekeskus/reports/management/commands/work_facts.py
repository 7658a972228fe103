import time

from django.core.management.base import BaseCommand, CommandError

from perhekeskus.reports.models import WorkFact
from perhekeskus.reports.services import work_facts_differences, work_facts_refresh


class Command(BaseCommand):
    help = (
        "Show how many worker-hour rows the reports have; --check compares them with the calendar, "
        "--rebuild rewrites them from it (after a bulk load; the booking services keep them exact otherwise)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="Rewrite every row from the calendar.")
        parser.add_argument(
            "--check",
            action="store_true",
            help="Compare every row with the calendar; exit with an error if they differ.",
        )

    def handle(self, *args, **opts):
        if opts["rebuild"]:
            began = time.monotonic()
            work_facts_refresh()
            self.stdout.write(f"{WorkFact.objects.count()} worker-hour rows in {time.monotonic() - began:.0f} s.")
        else:
            self.stdout.write(f"{WorkFact.objects.count()} worker-hour rows.")
        if opts["check"]:
            missing, extra = work_facts_differences()
            if missing or extra:
                raise CommandError(
                    f"The worker-hour rows differ from the calendar: {missing} missing or different, "
                    f"{extra} no longer in the calendar. Run: manage.py work_facts --rebuild"
                )
            self.stdout.write("They match the calendar.")
