"""The verbs that queue outbound mail: reply, acknowledge, retry.

Each writes the OutboundEmail row (and the ThreadKey that lets replies to it thread
back) in the caller's transaction and enqueues the send job on commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from rapport.accounts.models import User
from rapport.channels.email.models import (
    Mailbox,
    OutboundEmail,
    OutboundKindOfMail,
    OutboundStatus,
    ThreadKey,
    ThreadKeyKind,
)
from rapport.channels.email.outbound import addressing as addr
from rapport.channels.email.outbound.tasks import send_outbound
from rapport.channels.email.replyaddress import reply_address
from rapport.core.effects import enqueue_on_commit, publish_on_commit
from rapport.core.emailaddr import normalise_email
from rapport.core.errors import Conflict, InvalidInput, PermissionDenied
from rapport.core.realtime import ticket_groups
from rapport.tickets.models import Message, Ticket


def _replaying_history() -> bool:
    # Imports (the demo loader) replay old conversations through the verbs with
    # effects suppressed: those replies went out long ago and must never be queued,
    # or the due-mail sweep would send them.
    from rapport.core.effects import effects_are_suppressed

    return effects_are_suppressed()


def _queue(
    ticket: Ticket, mailbox: Mailbox | None, thread: addr.Thread, **fields: Any
) -> OutboundEmail:
    outbound = OutboundEmail.objects.create(
        ticket=ticket, mailbox=mailbox, message_id=addr.new_message_id(),
        from_address=addr.from_header(mailbox),
        reply_to=reply_address(mailbox.address, ticket.pk) if mailbox else "",
        in_reply_to=thread.in_reply_to, references=" ".join(thread.references),
        created_at=timezone.now(), **fields,
    )
    ThreadKey.objects.get_or_create(
        value=outbound.message_id, ticket=ticket, kind=ThreadKeyKind.SENT
    )
    enqueue_on_commit(send_outbound, outbound.pk)
    return outbound


def deliver(message: Message) -> None:
    """The email channel's deliverer (tickets.delivery): post_reply calls it in its transaction."""
    queue_reply(message)


def queue_reply(message: Message) -> OutboundEmail | None:
    """Queue the mail that carries a public agent reply; None while replaying history."""
    if _replaying_history():
        return None
    ticket = message.ticket
    last_inbound = addr.latest_inbound_email(ticket)
    recipients = addr.reply_recipients(ticket, last_inbound, addr.own_addresses())
    if not recipients.to:
        raise InvalidInput(
            _("The customer has no email address, so this reply cannot be sent by email."),
            code="no_email_recipient",
        )
    return _queue(
        ticket, addr.sending_mailbox(ticket, last_inbound), addr.thread_for(ticket, last_inbound),
        kind=OutboundKindOfMail.REPLY, ticket_message=message, to=recipients.to,
        cc=recipients.cc, subject=addr.reply_subject(ticket.subject, ticket.pk),
        language=ticket.language, created_by=message.author_user,
    )


def acknowledgement_text(ticket: Ticket, language: str) -> tuple[str, str]:
    """(subject, body) of the acknowledgement, in the customer's language."""
    with translation.override(language):
        body = _(
            "We have received your request #%(number)s “%(subject)s”. Our team will reply "
            "as soon as possible.\n\nTo add information, just reply to this email."
        ) % {"number": ticket.pk, "subject": ticket.subject}
    return addr.reply_subject(ticket.subject, ticket.pk), body


@transaction.atomic
def queue_acknowledgement(
    ticket: Ticket, *, to_address: str, mailbox: Mailbox | None, in_reply_to: str = "",
    references: Sequence[str] = (),
) -> OutboundEmail | None:
    """Tell a customer their new ticket arrived. The caller's filters decided it is allowed."""
    if _replaying_history():
        return None
    # Stored normalised: the rate limit counts acknowledgements by exact address.
    to = normalise_email(parseaddr(to_address)[1])
    if "@" not in to:
        raise InvalidInput(_("This is not an email address."), code="invalid_address")
    language = ticket.language or (mailbox.language if mailbox else "") or settings.LANGUAGE_CODE
    subject, body = acknowledgement_text(ticket, language)
    parent = addr.bare_message_id(in_reply_to)
    earlier = addr.reference_list(references)
    thread = addr.Thread(parent, addr.bounded_references([*earlier, parent]))
    return _queue(
        ticket, mailbox, thread, kind=OutboundKindOfMail.ACKNOWLEDGEMENT, to=[to], cc=[],
        subject=subject, body_text=body, language=language,
    )


@transaction.atomic
def retry_outbound(outbound: OutboundEmail, actor: Any) -> OutboundEmail:
    """An agent sends a failed mail again: the same mail, with the same Message-ID."""
    if not isinstance(actor, User) or not actor.is_active:
        raise PermissionDenied(_("Only agents can do this."))
    locked = OutboundEmail.objects.select_for_update().select_related("ticket").get(pk=outbound.pk)
    if locked.status != OutboundStatus.FAILED:
        raise Conflict(
            _("Only a mail whose delivery failed can be sent again."), code="not_failed",
            details={"status": locked.status},
        )
    locked.status = OutboundStatus.QUEUED
    locked.next_attempt_at = None
    locked.save(update_fields=["status", "next_attempt_at"])
    enqueue_on_commit(send_outbound, locked.pk)
    ticket = locked.ticket
    publish_on_commit(
        ticket_groups(ticket),
        {"type": "ticket.changed", "ticket": {"id": ticket.pk, "status": ticket.status}},
    )
    return locked
