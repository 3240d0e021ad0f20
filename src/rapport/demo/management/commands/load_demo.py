"""manage.py load_demo: load the Northwind Parcel demo data (once; --reset to reload)."""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rapport.demo.loader import DemoModeRequired, demo_logins, format_logins, load_demo
from rapport.demo.roster import SEED


class Command(BaseCommand):
    help = "Load the Northwind Parcel demo data set (demo mode only; idempotent)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reset", action="store_true",
                            help="Remove the demo's tickets, customers and staff, then reload.")
        parser.add_argument("--seed", type=int, default=SEED,
                            help="Random seed (default: %(default)s).")
        parser.add_argument("--quiet-logins", action="store_true",
                            help="Do not print the demo sign-ins.")

    def handle(self, *args: Any, reset: bool, seed: int, quiet_logins: bool,
               **options: Any) -> None:
        started = time.monotonic()
        try:
            result = load_demo(reset=reset, seed=seed)
        except DemoModeRequired as exc:
            raise CommandError(exc.message) from exc
        if result.removed:
            removed = ", ".join(f"{n} {what}" for what, n in result.removed.items())
            self.stdout.write(f"Removed the previous demo data: {removed}.")
        counts = result.dataset.counts
        summary = ", ".join(f"{counts.get(k, 0)} {k}" for k in
                            ("agents", "teams", "customers", "tickets", "messages", "attachments"))
        if result.created:
            elapsed = time.monotonic() - started
            message = f"Demo data loaded in {elapsed:.1f} s: {summary}."
            self.stdout.write(self.style.SUCCESS(message))
        else:
            self.stdout.write(f"Demo data already loaded ({summary}); nothing to do.")
        if not quiet_logins:
            self.stdout.write("Demo sign-ins:\n" + format_logins(demo_logins()))
