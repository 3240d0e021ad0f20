"""SLA clocks as an agent reads them: "First reply in 1 h 20 min", "Overdue by 12 min"."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from rapport.sla.models import ClockState, SlaClock, Target

OK, WARNING, BREACHED = "ok", "warning", "breached"


@dataclass(frozen=True)
class Badge:
    state: str  # ok, warning or breached: the colour, and a word for screen readers
    text: str
    title: str
    due_iso: str
    warn_iso: str
    target: str
    hidden_prefix: str  # said, not shown: colour alone does not tell

    def html(self) -> SafeString:
        """The badge; countdown.js keeps its text current from the data attributes."""
        return format_html(
            '<span class="sla-badge sla-{}" title="{}" data-sla-due="{}" data-sla-warn="{}" '
            'data-sla-target="{}"><span class="visually-hidden">{} </span>{}</span>',
            self.state, self.title, self.due_iso, self.warn_iso, self.target,
            self.hidden_prefix, self.text,
        )


def format_span(seconds: float) -> str:
    """A duration rounded up to the minute: "45 min", "1 h 20 min", "2 d 3 h"."""
    minutes = max(1, math.ceil(seconds / 60))
    if minutes < 60:
        return _("%(minutes)d min") % {"minutes": minutes}
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        if not minutes:
            return _("%(hours)d h") % {"hours": hours}
        return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}
    days, hours = divmod(hours, 24)
    if not hours:
        return _("%(days)d d") % {"days": days}
    return _("%(days)d d %(hours)d h") % {"days": days, "hours": hours}


def _sentence(target: str, overdue: bool) -> str:
    if target == Target.FIRST_RESPONSE:
        return _("First reply overdue by %(time)s") if overdue else _("First reply in %(time)s")
    if target == Target.NEXT_RESPONSE:
        return _("Next reply overdue by %(time)s") if overdue else _("Next reply in %(time)s")
    return _("Resolution overdue by %(time)s") if overdue else _("Resolve in %(time)s")


def when(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def badge(clock: SlaClock, now: datetime) -> Badge | None:
    """The badge of a running clock (None for one that does not run)."""
    if clock.state != ClockState.RUNNING or clock.due_at is None:
        return None
    left = (clock.due_at - now).total_seconds()
    if left <= 0:
        state = BREACHED
    elif clock.warn_at is not None and clock.warn_at <= now:
        state = WARNING
    else:
        state = OK
    text = _sentence(clock.target, left <= 0) % {"time": format_span(abs(left))}
    if clock.business:
        title = _("Due %(when)s, counted in business hours (%(calendar)s)") % {
            "when": when(clock.due_at),
            "calendar": clock.calendar.name if clock.calendar else _("around the clock"),
        }
    else:
        title = _("Due %(when)s, counted around the clock") % {"when": when(clock.due_at)}
    warn_iso = clock.warn_at.isoformat() if clock.warn_at else ""
    return Badge(state, text, title, clock.due_at.isoformat(), warn_iso, clock.target,
                 prefixes()[state])


def prefixes() -> dict[str, str]:
    return {OK: _("SLA:"), WARNING: _("SLA at risk:"), BREACHED: _("SLA breached:")}


def countdown_labels() -> dict[str, str]:
    """The templates countdown.js fills in, translated once per page."""
    said = prefixes()
    return {
        "minutes": _("%(minutes)d min"), "hours": _("%(hours)d h"),
        "hours-minutes": _("%(hours)d h %(minutes)d min"), "days": _("%(days)d d"),
        "days-hours": _("%(days)d d %(hours)d h"),
        "first-ahead": _sentence(Target.FIRST_RESPONSE, False),
        "first-overdue": _sentence(Target.FIRST_RESPONSE, True),
        "next-ahead": _sentence(Target.NEXT_RESPONSE, False),
        "next-overdue": _sentence(Target.NEXT_RESPONSE, True),
        "resolution-ahead": _sentence(Target.RESOLUTION, False),
        "resolution-overdue": _sentence(Target.RESOLUTION, True),
        "prefix-ok": said[OK], "prefix-warning": said[WARNING],
        "prefix-breached": said[BREACHED],
    }


@dataclass(frozen=True)
class PanelRow:
    label: str
    badge: Badge | None
    text: str


def panel_row(clock: SlaClock, now: datetime) -> PanelRow:
    label = str(Target(clock.target).label) if clock.target in Target.values else clock.target
    shown = badge(clock, now)
    if clock.state == ClockState.PAUSED:
        text = _("Paused while the ticket waits")
    elif clock.state == ClockState.MET and clock.met_at is not None:
        text = (_("Met late, %(when)s") if clock.breached_at else _("Met %(when)s")) % {
            "when": when(clock.met_at)}
    elif clock.state == ClockState.STOPPED:
        text = _("No longer counted")
    else:
        text = ""
    return PanelRow(label, shown, text)
