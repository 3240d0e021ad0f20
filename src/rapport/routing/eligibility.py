"""Which agents may get a ticket now, and which of them should.

Eligible: a member of the ticket's team, active, online (a live agent page and status
"online"), speaking the ticket's language, having every skill the ticket needs, and under
their capacity: the channel's limit (chats: User.max_chats) and the overall one. Load is
counted from the database (tickets new or open, live chats), so it holds across server
processes. Among the eligible, the team's strategy picks: round-robin (the one whose last
automatic assignment is oldest) or least loaded (ties broken the round-robin way).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count

from rapport.accounts.availability import available
from rapport.accounts.models import Presence, User
from rapport.routing.models import DEFAULT_CHANNEL_LIMITS, Strategy
from rapport.tickets.models import Channel, Status, Ticket

ACTIVE_WORK = (Status.NEW, Status.OPEN)
DEFAULT_OVERALL_LIMIT = 25


@dataclass
class Load:
    by_channel: Counter[str] = field(default_factory=Counter)
    chats: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_channel.values()) + self.chats


@dataclass
class Candidate:
    agent: User
    load: Load
    channel_limits: dict[str, int]
    overall_limit: int
    last_assigned_at: datetime | None

    def has_room_for(self, channel: str) -> bool:
        if self.load.total >= self.overall_limit:
            return False
        if channel == Channel.CHAT:
            return self.load.chats < self.agent.max_chats
        limit = self.channel_limits.get(channel)
        return limit is None or self.load.by_channel[channel] < limit


def speaks(agent: User, language: str) -> bool:
    """An agent who listed no languages is not filtered out by language."""
    if not language or not agent.languages:
        return True
    wanted = language.split("-")[0].lower()
    return any(str(known).split("-")[0].lower() == wanted for known in agent.languages)


def loads(agent_ids: Iterable[int], *, chats: bool = True) -> dict[int, Load]:
    """New and open tickets per agent and channel; with chats=True also live chats (a chat
    ticket stays open after its chat ends, for the follow-up by email)."""
    ids = list(agent_ids)
    result: dict[int, Load] = defaultdict(Load)
    rows = (
        Ticket.objects.filter(assignee_id__in=ids, is_open=True, status__in=ACTIVE_WORK)
        .values_list("assignee_id", "channel")
        .annotate(n=Count("id"))
        .order_by()
    )
    for agent_id, channel, n in rows:
        if channel != Channel.CHAT:
            result[agent_id].by_channel[channel] = n
        elif not chats:
            result[agent_id].chats = n  # an upper bound of the live chats: enough here
    if chats:
        for agent_id, n in _live_chats(ids):
            result[agent_id].chats = n
    return result


def _live_chats(ids: list[int]) -> list[tuple[int, int]]:
    from rapport.channels.chat.handling import LIVE
    from rapport.channels.chat.models import ChatConversation

    return list(
        ChatConversation.objects.filter(status__in=LIVE, ticket__assignee_id__in=ids)
        .values_list("ticket__assignee_id")
        .annotate(n=Count("id"))
        .order_by()
    )


def online_agents(agents: Iterable[User]) -> list[User]:
    agents = [a for a in agents if a.presence == Presence.ONLINE]
    connected = set(available(a.pk for a in agents))
    return [a for a in agents if a.pk in connected]


def _skills_of(agent_ids: list[int]) -> dict[int, set[int]]:
    through = User.skills.through
    skills: dict[int, set[int]] = defaultdict(set)
    for user_id, skill_id in through.objects.filter(user_id__in=agent_ids).values_list(
        "user_id", "skill_id"
    ):
        skills[user_id].add(skill_id)
    return skills


def candidates(
    team_id: int, *, language: str, channel: str, skills: Iterable[int] = (),
    exclude: Iterable[int] = (),
) -> list[Candidate]:
    """The team's agents who may take a ticket of this language and channel right now."""
    members = (
        User.objects.filter(membership__team_id=team_id, is_active=True)
        .exclude(pk__in=list(exclude))
        .select_related("capacity", "routing_state")
        .only("id", "languages", "presence", "max_chats", "capacity__channel_limits",
              "capacity__overall_limit", "routing_state__last_assigned_at")
    )
    agents = [a for a in online_agents(members) if speaks(a, language)]
    needed = set(skills)
    if needed and agents:
        owned = _skills_of([a.pk for a in agents])
        agents = [a for a in agents if needed <= owned[a.pk]]
    if not agents:
        return []
    load = loads([a.pk for a in agents], chats=channel == Channel.CHAT)
    found = [_candidate(agent, load[agent.pk]) for agent in agents]
    return [c for c in found if c.has_room_for(channel)]


def _candidate(agent: User, load: Load) -> Candidate:
    limits = getattr(agent, "capacity", None)
    state = getattr(agent, "routing_state", None)
    return Candidate(
        agent=agent, load=load,
        channel_limits=limits.channel_limits if limits else DEFAULT_CHANNEL_LIMITS,
        overall_limit=limits.overall_limit if limits else DEFAULT_OVERALL_LIMIT,
        last_assigned_at=state.last_assigned_at if state else None,
    )


def pick(found: list[Candidate], strategy: str) -> Candidate | None:
    if not found:
        return None

    def waited(c: Candidate) -> tuple[float, int]:
        return (c.last_assigned_at.timestamp() if c.last_assigned_at else 0.0, c.agent.pk)

    if strategy == Strategy.LEAST_LOADED:
        return min(found, key=lambda c: (c.load.total, *waited(c)))
    return min(found, key=waited)
