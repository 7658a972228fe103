from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from perhekeskus.demo.generator import DEMO_PASSWORD, DEMO_USERS


class Command(BaseCommand):
    help = "Print the demo users and how to log in."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000/")

    def handle(self, *args, **opts):
        existing = set(
            get_user_model().objects.filter(username__in=[u[0] for u in DEMO_USERS]).values_list("username", flat=True)
        )
        self.stdout.write(f"\nperhekeskus is at {opts['url']}")
        self.stdout.write(f"Log in as one of these demo users, password '{DEMO_PASSWORD}':")
        for username, _roles, _match, description in DEMO_USERS:
            if username in existing:
                self.stdout.write(f"  {username:24} {description}")
        self.stdout.write("")
