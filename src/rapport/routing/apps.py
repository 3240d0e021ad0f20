from datetime import timedelta

from django.apps import AppConfig


class RoutingConfig(AppConfig):
    name = "rapport.routing"
    verbose_name = "Routing"

    def ready(self) -> None:
        from rapport.core.schedule import register_periodic
        from rapport.routing.listeners import on_ticket_change
        from rapport.routing.tasks import watch_routing
        from rapport.routing.views import routing_panel
        from rapport.tickets.hooks import listen
        from rapport.tickets.panels import register_panel

        listen(on_ticket_change, name="routing")
        register_periodic(watch_routing, every=timedelta(seconds=10))
        register_panel(routing_panel)
