"""The agent's chat verbs: take a waiting chat, transfer it warm, end it.

An agent handles several chats at once, up to their own limit (User.max_chats); a chat
counts while it is waiting or active and assigned to them. The visitor is told of each
change in their own language, and a transfer never makes them start over: the chat stays
the same ticket and the same conversation, and the receiving agent reads the note first.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rapport.accounts.models import Team, User
from rapport.channels.chat import services
from rapport.channels.chat.frames import status_frame
from rapport.channels.chat.models import ChatConversation, ConversationStatus, EndReason
from rapport.core.effects import publish_on_commit
from rapport.core.errors import InvalidInput
from rapport.core.realtime import agent_group, team_group
from rapport.reports.models import ReportingEventName as RE
from rapport.reports.services import record_event
from rapport.tickets import services as tickets

LIVE = (ConversationStatus.WAITING, ConversationStatus.ACTIVE)


def open_chats_of(agent: User, *, besides: ChatConversation | None = None) -> int:
    chats = ChatConversation.objects.filter(status__in=LIVE, ticket__assignee=agent)
    if besides is not None:
        chats = chats.exclude(pk=besides.pk)
    return chats.count()


def _check_capacity(agent: User, *, actor: User, besides: ChatConversation | None = None) -> None:
    if open_chats_of(agent, besides=besides) < agent.max_chats:
        return
    count = agent.max_chats
    if agent.pk == actor.pk:
        message = ngettext("You already have %(count)s chat open, your limit.",
                           "You already have %(count)s chats open, your limit.", count)
    else:
        message = ngettext("%(name)s already has %(count)s chat open, their limit.",
                           "%(name)s already has %(count)s chats open, their limit.", count)
    raise InvalidInput(message % {"name": agent, "count": count}, code="chat_limit")


def _live(conversation: ChatConversation) -> ChatConversation:
    locked = ChatConversation.objects.select_for_update().select_related("ticket", "site").get(
        pk=conversation.pk
    )
    if locked.status == ConversationStatus.ENDED:
        raise InvalidInput(_("This chat has ended."), code="ended")
    return locked


def _chat_language(conversation: ChatConversation) -> translation.override:
    """Status lines for the visitor are in the chat's language (the ticket's)."""
    return translation.override(conversation.ticket.language or conversation.site.language)


@transaction.atomic
def take_chat(conversation: ChatConversation, *, agent: User) -> ChatConversation:
    """The agent takes the chat: it is theirs, the visitor sees who joined."""
    conversation = _live(conversation)
    if conversation.ticket.assignee_id == agent.pk:
        return conversation
    if conversation.ticket.assignee_id is not None:
        raise InvalidInput(_("Another agent already has this chat."), code="taken")
    _check_capacity(agent, actor=agent)
    tickets.assign(conversation.ticket, actor=agent, assignee=agent)
    _set_status(conversation, ConversationStatus.ACTIVE)
    name = agent.first_name or agent.get_username()
    with _chat_language(conversation):
        text = _("%(name)s joined the chat.") % {"name": name}
    services.publish(conversation, {**status_frame(conversation, name), "text": text})
    return conversation


@transaction.atomic
def transfer_chat(
    conversation: ChatConversation, *, actor: User, note: str, to_agent: User | None = None,
    to_team: Team | None = None,
) -> ChatConversation:
    """Warm transfer: to an agent (within their chat limit) or back to a team's queue."""
    conversation = _live(conversation)
    tickets.transfer(conversation.ticket, actor=actor, note=note, assignee=to_agent, team=to_team)
    if to_agent is not None:  # checked after the note: one transaction, all or nothing
        _check_capacity(to_agent, actor=actor, besides=conversation)
    _set_status(conversation, ConversationStatus.ACTIVE if to_agent else ConversationStatus.WAITING)
    record_event(RE.CHAT_TRANSFERRED, ticket=conversation.ticket, at=timezone.now(),
                 agent_id=actor.pk, data={"to_agent": to_agent.pk if to_agent else None,
                                          "to_team": to_team.pk if to_team else None})
    name = (to_agent.first_name or to_agent.get_username()) if to_agent else ""
    with _chat_language(conversation):
        if to_agent is not None:
            text = _("You are now chatting with %(name)s, who can see everything said so "
                     "far.") % {"name": name}
        else:
            text = _("We are passing your chat to a colleague who can see everything said "
                     "so far. Please stay here.")
    services.publish(conversation, {**status_frame(conversation, name or None),
                                    "status": "transferred", "text": text})
    receivers = [agent_group(to_agent.pk)] if to_agent else []
    if to_team is not None:
        receivers.append(team_group(to_team.pk))
    publish_on_commit(receivers, {
        "type": "chat.transferred",
        "ticket": {"id": conversation.ticket_id, "subject": conversation.ticket.subject},
        "by": str(actor), "note": note.strip(),
    })
    return conversation


@transaction.atomic
def end_chat(conversation: ChatConversation, *, agent: User) -> ChatConversation:
    """The agent closes the conversation; the ticket stays as it is (solve it separately)."""
    conversation = _live(conversation)
    services.end_conversation(conversation, reason=EndReason.AGENT)
    return conversation


def _set_status(conversation: ChatConversation, status: str) -> None:
    if conversation.status != status:
        ChatConversation.objects.filter(pk=conversation.pk).update(status=status)
        conversation.status = status
