from datetime import timedelta

from django.apps import AppConfig


class AutomationConfig(AppConfig):
    name = "rapport.automation"
    verbose_name = "Automation"

    def ready(self) -> None:
        from rapport.automation.services import on_ticket_change
        from rapport.tickets.hooks import listen

        listen(on_ticket_change, name="automation")

        from rapport.automation.tasks import recover_trigger_runs, run_time_rules
        from rapport.core.schedule import register_periodic

        register_periodic(run_time_rules, every=timedelta(minutes=5))
        register_periodic(recover_trigger_runs, every=timedelta(minutes=2))

        from rapport.automation.views import macro_panel
        from rapport.tickets.panels import register_panel

        register_panel(macro_panel)
