"""Periodic watch over live chats (rapport.core.schedule runs these every few seconds).

* A chat waiting longer than its site's `alert_after_seconds` alerts the team, once.
* A waiting chat nobody answered, whose visitor has been gone for the site's
  `abandon_after_seconds`, ends as abandoned: tagged, counted, and left open so that an
  agent follows up (by email when the visitor gave an address; chat delivery does that).

The visitor's socket refreshes ChatVisitor.last_seen_at while it is open (consumers), so
"gone" survives a server process dying without saying goodbye. Only waiting chats are
read (an index on status), so the cost follows the queue, not the history.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from rapport.channels.chat.models import ChatConversation, ConversationStatus, EndReason
from rapport.channels.chat.services import end_conversation
from rapport.core.effects import publish_on_commit
from rapport.core.realtime import ALL_TICKETS_GROUP, team_group
from rapport.reports.models import ReportingEventName as RE
from rapport.reports.services import record_event
from rapport.tickets import services as tickets

ABANDONED_TAG = "abandoned-chat"


def _waiting() -> list[ChatConversation]:
    return list(
        ChatConversation.objects.filter(status=ConversationStatus.WAITING)
        .select_related("site", "visitor", "ticket")
        .order_by("started_at")
    )


def alert_waiting_chats() -> list[int]:
    """Alert each team of its chats waiting too long; returns the tickets alerted."""
    now = timezone.now()
    alerted = []
    for conversation in _waiting():
        waited = now - conversation.started_at
        if conversation.alerted_at is not None:
            continue
        if waited < timedelta(seconds=conversation.site.alert_after_seconds):
            continue
        if _alert(conversation, now, waited):
            alerted.append(conversation.ticket_id)
    return alerted


@transaction.atomic
def _alert(conversation: ChatConversation, now: datetime, waited: timedelta) -> bool:
    won = ChatConversation.objects.filter(
        pk=conversation.pk, alerted_at__isnull=True, status=ConversationStatus.WAITING
    ).update(alerted_at=now)
    if not won:
        return False  # answered meanwhile, or another worker was first
    ticket = conversation.ticket
    record_event(RE.CHAT_WAIT_ALERT, ticket=ticket, at=timezone.now(),
                 since=conversation.started_at)
    groups = [ALL_TICKETS_GROUP] + ([team_group(ticket.team_id)] if ticket.team_id else [])
    publish_on_commit(groups, {
        "type": "chat.waiting",
        "ticket": {"id": ticket.pk, "subject": ticket.subject},
        "waited_seconds": int(waited.total_seconds()),
    })
    return True


def close_abandoned_chats() -> list[int]:
    """End the unanswered chats whose visitor left; returns their tickets."""
    now = timezone.now()
    closed = []
    for conversation in _waiting():
        if conversation.first_agent_reply_at is not None:
            continue
        seen = conversation.visitor.last_seen_at or conversation.started_at
        if now - seen < timedelta(seconds=conversation.site.abandon_after_seconds):
            continue
        if _abandon(conversation):
            closed.append(conversation.ticket_id)
    return closed


@transaction.atomic
def _abandon(conversation: ChatConversation) -> bool:
    if not end_conversation(conversation, reason=EndReason.ABANDONED):
        return False
    tickets.change_tags(conversation.ticket, actor=None, add=[ABANDONED_TAG])
    record_event(RE.CHAT_ABANDONED, ticket=conversation.ticket, at=timezone.now(),
                 since=conversation.started_at)
    return True
