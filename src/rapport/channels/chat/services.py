"""Chat verbs: open a conversation, post the visitor's messages (once each), read
receipts, end and rate. Each is one transaction; frames leave after commit."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.channels.chat.frames import message_frame, status_frame
from rapport.channels.chat.models import (
    ChatClientMessage,
    ChatConversation,
    ChatSite,
    ChatVisitor,
    ConversationStatus,
    EndReason,
)
from rapport.channels.chat.realtime import conversation_group
from rapport.contacts.models import Customer
from rapport.contacts.services import create_customer, find_or_create_by_email
from rapport.core.effects import enqueue_on_commit, publish_on_commit
from rapport.core.emailaddr import normalise_email
from rapport.core.errors import InvalidInput
from rapport.core.language import detect_language
from rapport.reports.models import ReportingEventName as RE
from rapport.reports.services import record_event
from rapport.tickets import services as tickets
from rapport.tickets.models import Channel, Direction, Message, Status, Ticket

MAX_TEXT_CHARS = 4_000
SUBJECT_CHARS = 80


def customer_for(visitor: ChatVisitor, *, name: str = "", email: str = "") -> Customer:
    """The visitor's customer: known, by the email given, or a new anonymous one."""
    if email:
        customer = find_or_create_by_email(email, name=name)
    elif visitor.customer is not None:
        return visitor.customer
    else:
        customer = create_customer(actor=None, name=name.strip() or _("Chat visitor"))
    if visitor.customer_id != customer.pk:
        visitor.customer = customer
        visitor.save(update_fields=["customer"])
    return customer


def visitor_seen(visitor_id: int) -> None:
    """The visitor's socket is (or was, just now) open: see watch.close_abandoned_chats."""
    ChatVisitor.objects.filter(pk=visitor_id).update(last_seen_at=timezone.now())


def current_conversation(visitor: ChatVisitor) -> ChatConversation | None:
    return (
        ChatConversation.objects.filter(visitor=visitor)
        .exclude(status=ConversationStatus.ENDED)
        .select_related("ticket")
        .order_by("-started_at")
        .first()
    )


def _clean_text(text: Any) -> str:
    if not isinstance(text, str) or not text.strip():
        raise InvalidInput(_("The message is empty."), code="empty_message")
    if len(text) > MAX_TEXT_CHARS:
        raise InvalidInput(_("The message is too long."), code="too_long")
    return text.strip()


@transaction.atomic
def open_conversation(
    site: ChatSite, visitor: ChatVisitor, *, text: str, client_id: str,
    name: str = "", email: str = "",
) -> tuple[ChatConversation, Message]:
    """A new chat: a ticket on the chat channel whose first message is the visitor's."""
    text = _clean_text(text)
    customer = customer_for(visitor, name=name, email=email)
    language = detect_language(text) or customer.language or site.language
    ticket = tickets.create_ticket(
        actor=customer, requester=customer, subject=_subject(text), channel=Channel.CHAT,
        body=tickets.Body(text=text), team=site.team, language=language,
        source=f"chat_site:{site.pk}",
    )
    conversation = ChatConversation.objects.create(
        site=site, visitor=visitor, ticket=ticket, started_at=ticket.created_at
    )
    message = ticket.messages.order_by("seq").last()
    assert message is not None
    ChatClientMessage.objects.create(conversation=conversation, client_id=client_id,
                                     message=message)
    publish(conversation, message_frame(message, client_id))
    return conversation, message


def _subject(text: str) -> str:
    first_line = text.strip().splitlines()[0]
    return first_line[:SUBJECT_CHARS] + ("…" if len(first_line) > SUBJECT_CHARS else "")


@transaction.atomic
def post_visitor_message(
    conversation: ChatConversation, *, client_id: str, text: str
) -> tuple[Message, bool]:
    """(message, created): a resend with a known client_id returns the stored message."""
    ticket = Ticket.objects.select_for_update().get(pk=conversation.ticket_id)
    known = ChatClientMessage.objects.filter(conversation=conversation, client_id=client_id)
    existing = known.select_related("message").first()
    if existing is not None:
        return existing.message, False
    if conversation.status == ConversationStatus.ENDED or ticket.status == Status.CLOSED:
        raise InvalidInput(_("This chat has ended."), code="ended")
    message = tickets.post_reply(
        ticket, actor=conversation.visitor.customer, body=tickets.Body(text=_clean_text(text)),
        channel=Channel.CHAT,
    )
    ChatClientMessage.objects.create(conversation=conversation, client_id=client_id,
                                     message=message)
    publish(conversation, message_frame(message, client_id))
    return message, True


def messages_after(conversation: ChatConversation, seq: int) -> list[dict[str, Any]]:
    """Every public message after `seq`, in order: what a reconnecting widget missed."""
    client_ids = dict(
        ChatClientMessage.objects.filter(conversation=conversation)
        .values_list("message_id", "client_id")
    )
    messages = (
        Message.objects.filter(ticket_id=conversation.ticket_id, is_public=True, seq__gt=seq)
        .select_related("author_user").prefetch_related("attachments").order_by("seq")
    )
    return [message_frame(m, client_ids.get(m.pk)) for m in messages]


@transaction.atomic
def mark_read(conversation: ChatConversation, *, seq: int, by_agent: bool) -> None:
    field = "agent_read_seq" if by_agent else "visitor_read_seq"
    ChatConversation.objects.filter(pk=conversation.pk).update(**{field: max(0, int(seq))})
    publish(conversation, {"type": "read", "author": "agent" if by_agent else "visitor",
                            "seq": int(seq)})


@transaction.atomic
def mark_agent_read(conversation_id: int, seq: int | None = None) -> bool:
    """An agent has the chat in front of them: the visitor's messages up to `seq` (all of
    them when None) are read, and the visitor is told once per step forward."""
    if seq is None:
        seq = (
            Message.objects.filter(ticket__chat=conversation_id, is_public=True,
                                   direction=Direction.INBOUND)
            .order_by("-seq").values_list("seq", flat=True).first()
        ) or 0
    moved = ChatConversation.objects.filter(
        pk=conversation_id, agent_read_seq__lt=seq
    ).update(agent_read_seq=seq)
    if moved:
        publish_on_commit([conversation_group(conversation_id)], {
            "type": "chat.frame", "frame": {"type": "read", "author": "agent", "seq": seq},
        })
    return bool(moved)


@transaction.atomic
def end_conversation(
    conversation: ChatConversation, *, reason: str = EndReason.VISITOR
) -> bool:
    """End the chat (once); the ticket stays open for whatever follow-up it needs."""
    updated = ChatConversation.objects.filter(pk=conversation.pk).exclude(
        status=ConversationStatus.ENDED
    ).update(status=ConversationStatus.ENDED, ended_at=timezone.now(), end_reason=reason)
    if updated:
        conversation.status = ConversationStatus.ENDED
        conversation.end_reason = reason
        publish(conversation, status_frame(conversation))
    return bool(updated)


@transaction.atomic
def rate_conversation(conversation: ChatConversation, *, score: Any, comment: Any) -> None:
    """The visitor's 1–5 rating at the end: the ticket's CSAT answer."""
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise InvalidInput(_("A rating is a number from 1 to 5."), code="invalid_rating")
    text = str(comment or "")[:2_000]
    ChatConversation.objects.filter(pk=conversation.pk).update(rating=score, rating_comment=text)
    record_event(RE.CSAT_ANSWERED, ticket=conversation.ticket, at=timezone.now(),
                 data={"score": score, "source": "chat"})


def record_agent_reply(message: Message, conversation: ChatConversation) -> None:
    """An agent answered on the chat ticket: the conversation is active, the visitor told."""
    changes: dict[str, Any] = {}
    if conversation.first_agent_reply_at is None:
        changes["first_agent_reply_at"] = message.created_at
        # The wait the widget promises is computed from these (queries.expected_wait).
        record_event(RE.CHAT_FIRST_REPLY, ticket=message.ticket, at=message.created_at,
                     since=conversation.started_at, agent_id=message.author_user_id)
    if conversation.status == ConversationStatus.WAITING:
        changes["status"] = ConversationStatus.ACTIVE
    if changes:
        ChatConversation.objects.filter(pk=conversation.pk).update(**changes)
        for key, value in changes.items():
            setattr(conversation, key, value)
        if "status" in changes:
            name = message.author_user.first_name if message.author_user else None
            publish(conversation, status_frame(conversation, name))
    publish(conversation, message_frame(message))


def publish(conversation: ChatConversation, frame: dict[str, Any]) -> None:
    publish_on_commit([conversation_group(conversation.pk)], {"type": "chat.frame",
                                                               "frame": frame})


MAX_TRANSCRIPTS = 3  # the address is the visitor's word: do not become a mail cannon


@transaction.atomic
def request_transcript(conversation: ChatConversation, *, email: Any) -> None:
    from rapport.channels.chat.tasks import send_transcript

    address = normalise_email(str(email or ""))
    if "@" not in address or len(address) > 254:
        raise InvalidInput(_("This is not an email address."), code="invalid_email")
    updated = ChatConversation.objects.filter(
        pk=conversation.pk, transcripts_sent__lt=MAX_TRANSCRIPTS
    ).update(transcripts_sent=F("transcripts_sent") + 1)
    if not updated:
        raise InvalidInput(_("The transcript was already sent."), code="transcript_limit")
    enqueue_on_commit(send_transcript, conversation.pk, address)
