from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

# Each app seeds its own demo content; order matters (articles link videos).
SEEDERS = ["accounts.demo", "downloads.demo", "newsroom.demo"]


class Command(BaseCommand):
    help = "Create the demo accounts, videos and articles. Idempotent: a second run changes nothing."

    def handle(self, *args, **options):
        for dotted in SEEDERS:
            module = import_module(dotted)
            with transaction.atomic():
                module.seed(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo content is in place."))
        from accounts.demo import DEMO_ACCOUNTS

        self.stdout.write("\nDemo accounts (e-mail, password):")
        for account in DEMO_ACCOUNTS:
            self.stdout.write(f"  {account['email']:34} {account['password']}")
