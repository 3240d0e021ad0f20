"""The sidebar's routing entries: "Next ticket" for everyone, "Needs attention" for
supervisors."""

from typing import Any

from django import template

from rapport.routing import queries

register = template.Library()


@register.inclusion_tag("routing/_partials/nav.html", takes_context=True)
def routing_nav(context: dict[str, Any]) -> dict[str, Any]:
    user = context["request"].user
    supervises = user.sees_all_tickets
    return {
        "supervises": supervises,
        "alarms": queries.alarm_count(user) if supervises else 0,
        "current": context.get("section") == "attention",
        "csrf_token": context.get("csrf_token"),
    }
