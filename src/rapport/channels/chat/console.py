"""What the agent's chat console shows: the queue, the agent's own chats with what is
unread, and who in the team is online. Every read starts from visible_tickets."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from rapport.accounts.availability import statuses
from rapport.accounts.models import User
from rapport.accounts.queries import active_agents
from rapport.channels.chat.consumers import SEEN_SECONDS
from rapport.channels.chat.handling import LIVE
from rapport.channels.chat.models import ChatConversation, ConversationStatus
from rapport.tickets.models import Direction, Message
from rapport.tickets.queries import visible_tickets

PREVIEW_CHARS = 120


def visible_conversations(user: User) -> QuerySet[ChatConversation]:
    return ChatConversation.objects.filter(ticket__in=visible_tickets(user))


def _with_unread(conversations: QuerySet[ChatConversation]) -> QuerySet[ChatConversation]:
    visitor_messages = Message.objects.filter(
        ticket=OuterRef("ticket"), direction=Direction.INBOUND, is_public=True,
    )
    unread = (
        visitor_messages.filter(seq__gt=OuterRef("agent_read_seq"))
        .values("ticket").annotate(n=Count("pk")).values("n")
    )
    last = visitor_messages.order_by("-seq").values("body_text")[:1]
    return conversations.annotate(
        unread=Coalesce(Subquery(unread, output_field=IntegerField()), Value(0)),
        last_text=Subquery(last),
    ).select_related("ticket__requester", "ticket__assignee", "site")


def waiting_chats(user: User) -> QuerySet[ChatConversation]:
    """The queue: chats nobody has yet, oldest first."""
    return _with_unread(
        visible_conversations(user).filter(status=ConversationStatus.WAITING,
                                           ticket__assignee__isnull=True)
    ).order_by("started_at")


def my_chats(user: User) -> QuerySet[ChatConversation]:
    return _with_unread(
        ChatConversation.objects.filter(status__in=LIVE, ticket__assignee=user)
    ).order_by("started_at")


def team_board(user: User) -> list[dict[str, Any]]:
    """The agent's team mates (everyone, for a supervisor) with status and chat load."""
    agents = active_agents()
    if not user.sees_all_tickets:
        agents = agents.filter(teams__in=user.teams.all()).distinct()
    return _board(agents)


def team_board_for_transfer(user: User) -> list[dict[str, Any]]:
    """Everyone a chat can be handed to, with their status and load to choose well."""
    return _board(active_agents())


def _board(agents: QuerySet[User]) -> list[dict[str, Any]]:
    agents = agents.annotate(
        open_chats=Count("assigned_tickets", filter=_live_chat_filter(), distinct=True)
    )
    people = list(agents)
    status_of = statuses(people)
    return [{"agent": a, "status": status_of[a.pk], "open_chats": a.open_chats,
             "max_chats": a.max_chats} for a in people]


def _live_chat_filter() -> Q:
    return Q(assigned_tickets__chat__status__in=LIVE)


def visitor_is_here(conversation: ChatConversation) -> bool:
    seen = conversation.visitor.last_seen_at
    return seen is not None and timezone.now() - seen < timedelta(seconds=SEEN_SECONDS * 1.5)


def last_agent_seq(ticket: Any) -> int:
    """The seq of the agent's latest public message: "seen" is shown against it."""
    return (
        Message.objects.filter(ticket=ticket, is_public=True, direction=Direction.OUTBOUND)
        .order_by("-seq").values_list("seq", flat=True).first()
    ) or 0
