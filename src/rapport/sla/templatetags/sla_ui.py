"""The SLA countdown badge: `{% sla_deadlines tickets as deadlines %}` once per page
(one query), then `{% sla_badge ticket deadlines %}` per row (no query). Without the
second argument the badge looks its ticket up alone (the ticket page). `{% sla_countdown %}`
once per page keeps the badges counting down between refreshes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.templatetags.static import static
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from rapport.sla.display import badge, countdown_labels
from rapport.sla.models import SlaClock
from rapport.sla.queries import next_deadlines
from rapport.tickets.models import Ticket

register = template.Library()


@register.simple_tag
def sla_deadlines(tickets: Iterable[Ticket]) -> dict[int, SlaClock]:
    return next_deadlines(tickets)


@register.simple_tag
def sla_badge(ticket: Any, deadlines: dict[int, SlaClock] | None = None) -> SafeString | str:
    if getattr(ticket, "sla_due_at", None) is None:
        return ""
    if deadlines is None:
        deadlines = next_deadlines([ticket])
    clock = deadlines.get(ticket.pk)
    shown = badge(clock, timezone.now()) if clock is not None else None
    return shown.html() if shown is not None else ""


@register.simple_tag
def sla_countdown() -> SafeString:
    """Once per page that shows badges: the labels for countdown.js, and the script."""
    labels = format_html_join(" ", 'data-{}="{}"', countdown_labels().items())
    return format_html('<span hidden data-sla-labels {}></span>'
                       '<script src="{}" defer></script>', labels, static("sla/countdown.js"))
