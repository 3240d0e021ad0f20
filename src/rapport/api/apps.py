from datetime import timedelta

from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "rapport.api"
    label = "api"

    def ready(self) -> None:
        # Idempotency keys are replayed for 24 h; older records are removed hourly.
        from rapport.api.tasks import prune_idempotency
        from rapport.core.schedule import register_periodic

        register_periodic(prune_idempotency, every=timedelta(hours=1))
