"""Which agents are at their desk: a heartbeat in the cache, refreshed by the agent's
open event stream, expiring on its own. The cache is shared by every server process
(Redis in the scale-out mode), so any process can tell whether someone is available.

An agent's status is "offline" without a heartbeat, else what they chose: "online" or
"away" (User.presence)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.cache import cache

HEARTBEAT_TTL = 90  # seconds; the agent page sends a heartbeat well within this


def _key(user_id: int) -> str:
    return f"rapport:agent-available:{user_id}"


def mark_available(user_id: int) -> None:
    cache.set(_key(user_id), 1, HEARTBEAT_TTL)


def mark_away(user_id: int) -> None:
    cache.delete(_key(user_id))


def available(user_ids: Iterable[int]) -> list[int]:
    ids = list(user_ids)
    found = cache.get_many([_key(i) for i in ids])
    return [i for i in ids if _key(i) in found]


OFFLINE = "offline"


def statuses(agents: Iterable[Any]) -> dict[int, str]:
    """{agent id: "online" / "away" / "offline"} for these users."""
    agents = list(agents)
    connected = set(available(a.pk for a in agents))
    return {a.pk: a.presence if a.pk in connected else OFFLINE for a in agents}
