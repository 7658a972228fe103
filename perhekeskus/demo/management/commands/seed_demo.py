import time

from django.core.management.base import BaseCommand, CommandError

from perhekeskus.demo.generator import generate
from perhekeskus.people.models import Worker


class Command(BaseCommand):
    help = "Build deterministic demo data of a Varkaus-sized family centre (--scale multiplies it)."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--scale",
            type=float,
            default=1.0,
            help="1 = about 80 workers and 1,700 families; 10 = about two million appointments",
        )
        parser.add_argument("--days-back", type=int, default=365)
        parser.add_argument("--days-ahead", type=int, default=31)
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if there are workers already.")
        parser.add_argument("--quiet", action="store_true")

    def handle(self, *args, **opts):
        if Worker.objects.exists():
            if opts["if_empty"]:
                self.stdout.write("The database has data already; demo data not loaded.")
                return
            raise CommandError("The database has data already. Use an empty database (or --if-empty).")
        if opts["scale"] <= 0:
            raise CommandError("--scale must be positive.")
        began = time.monotonic()
        counts = generate(
            seed=opts["seed"],
            scale=opts["scale"],
            days_back=opts["days_back"],
            days_ahead=opts["days_ahead"],
            quiet=opts["quiet"],
            stdout=self.stdout,
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data: {counts['workers']} workers, {counts['families']} families, {counts['shifts']} shifts, "
                f"{counts['appointments']} appointments in {time.monotonic() - began:.0f} s."
            )
        )
        if not opts["quiet"]:
            self.stdout.write("The demo users: python manage.py demo_users")
