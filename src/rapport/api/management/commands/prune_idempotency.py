"""Delete idempotency records older than RAPPORT_IDEMPOTENCY_TTL (also a django-task)."""

from typing import Any

from django.core.management.base import BaseCommand

from rapport.api.idempotency import prune


class Command(BaseCommand):
    help = "Delete idempotency records older than the replay window."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Deleted {prune()} idempotency records.")
