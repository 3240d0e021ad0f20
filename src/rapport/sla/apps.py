from datetime import timedelta

from django.apps import AppConfig

WATCH_EVERY = timedelta(seconds=30)


class SlaConfig(AppConfig):
    name = "rapport.sla"
    verbose_name = "SLAs"

    def ready(self) -> None:
        # Clocks follow every ticket change, inside the verb's transaction.
        from rapport.sla.services import on_ticket_change
        from rapport.tickets.hooks import listen

        listen(on_ticket_change, name="sla")

        # Warnings and breaches are found by the clock, not by an event.
        from rapport.core.schedule import register_periodic
        from rapport.sla.tasks import check_sla_deadlines

        register_periodic(check_sla_deadlines, every=WATCH_EVERY)

        from rapport.sla.views import ticket_panel
        from rapport.tickets.panels import register_panel

        register_panel(ticket_panel)
