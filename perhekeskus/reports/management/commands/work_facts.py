import time

from django.core.management.base import BaseCommand

from perhekeskus.reports.models import WorkFact
from perhekeskus.reports.services import work_facts_refresh


class Command(BaseCommand):
    help = (
        "Show how many worker-hour rows the reports have; --rebuild rewrites them from the calendar "
        "(after a bulk load; the booking services keep them exact otherwise)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="Rewrite every row from the calendar.")

    def handle(self, *args, **opts):
        if opts["rebuild"]:
            began = time.monotonic()
            work_facts_refresh()
            self.stdout.write(f"{WorkFact.objects.count()} worker-hour rows in {time.monotonic() - began:.0f} s.")
        else:
            self.stdout.write(f"{WorkFact.objects.count()} worker-hour rows.")
