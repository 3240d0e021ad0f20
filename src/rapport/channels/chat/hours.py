"""Opening hours of a chat site, in the site's time zone."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rapport.channels.chat.models import ChatSite

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _ranges(site: ChatSite, weekday: int) -> list[tuple[time, time]]:
    ranges = []
    for item in (site.opening_hours or {}).get(DAYS[weekday], []):
        try:
            start, end = (time.fromisoformat(value) for value in item)
        except (TypeError, ValueError):
            continue  # a malformed range never opens the chat by accident
        if start < end:
            ranges.append((start, end))
    return sorted(ranges)


def _zone(site: ChatSite) -> ZoneInfo:
    try:
        return ZoneInfo(site.time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def is_open(site: ChatSite, now: datetime) -> bool:
    if not site.opening_hours:
        return True
    local = now.astimezone(_zone(site))
    return any(start <= local.time() < end for start, end in _ranges(site, local.weekday()))


def next_opening(site: ChatSite, now: datetime) -> datetime | None:
    """When the site opens next (aware datetime), or None if it never does."""
    if not site.opening_hours:
        return None
    zone = _zone(site)
    local = now.astimezone(zone)
    for offset in range(8):
        day = local.date() + timedelta(days=offset)
        for start, _end in _ranges(site, day.weekday()):
            opening = datetime.combine(day, start, tzinfo=zone)
            if opening > local:
                return opening
    return None
