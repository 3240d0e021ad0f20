from datetime import timedelta

from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "rapport.webhooks"
    verbose_name = "Outgoing webhooks"

    def ready(self) -> None:
        from rapport.core.schedule import register_periodic
        from rapport.tickets.hooks import listen
        from rapport.webhooks.services import record_change
        from rapport.webhooks.tasks import SWEEP_EVERY, prune_webhooks, sweep_webhooks

        # Every ticket change is written to the outbox inside the verb's transaction.
        listen(record_change, name="webhooks")
        # Retries whose job was lost, and deliveries given up after policy.MAX_AGE.
        register_periodic(sweep_webhooks, every=SWEEP_EVERY)
        register_periodic(prune_webhooks, every=timedelta(days=1))
