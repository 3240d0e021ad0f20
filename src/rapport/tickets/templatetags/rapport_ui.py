"""Template tags of the agent UI: the inbox navigation with live counts."""

from typing import Any

from django import template
from django.urls import reverse

from rapport.tickets.inbox import VIEWS, InboxQuery, filtered_tickets

register = template.Library()
# Counting every ticket of a big view on each page load is a full index walk; above
# this many the nav says "100+" instead. An agent's views filter by visibility row by
# row, so the cost grows with the cap (measured at 1M tickets: ~15 ms at 1,000).
COUNT_CAP = 100


def capped_count(queryset: Any) -> tuple[int, bool]:
    count = queryset.order_by()[: COUNT_CAP + 1].count()
    return min(count, COUNT_CAP), count > COUNT_CAP


@register.inclusion_tag("_partials/nav.html", takes_context=True)
def inbox_nav(context: dict[str, Any]) -> dict[str, Any]:
    request = context["request"]
    current = context.get("current_view") or ""
    inbox_url = reverse("tickets:inbox")
    views = []
    for key, label in VIEWS.items():
        count, more = capped_count(filtered_tickets(request.user, InboxQuery(view=key)))
        views.append({
            "key": key, "label": label, "url": f"{inbox_url}?view={key}",
            "count": count, "more": more, "current": key == current,
        })
    return {"views": views, "request": request, "user": request.user,
            "section": context.get("section", "")}


@register.filter
def minutes(value: Any) -> int:
    """Whole minutes of a timedelta, rounded up (for "try again in N minutes")."""
    seconds = value.total_seconds() if hasattr(value, "total_seconds") else 0
    return max(1, -(-int(seconds) // 60)) if seconds else 0
