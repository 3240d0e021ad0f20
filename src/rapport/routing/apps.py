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
        _forget_rules_when_they_change()
        register_periodic(watch_routing, every=timedelta(seconds=10))
        register_panel(routing_panel)


def _forget_rules_when_they_change() -> None:
    """This process reads the rules again at once; others within RULES_TTL_SECONDS."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from rapport.routing.models import RoutingRule
    from rapport.routing.services import forget_rules

    def forget(**kwargs: object) -> None:
        forget_rules()

    post_save.connect(forget, sender=RoutingRule, weak=False)
    post_delete.connect(forget, sender=RoutingRule, weak=False)
    m2m_changed.connect(forget, sender=RoutingRule.required_skills.through, weak=False)
