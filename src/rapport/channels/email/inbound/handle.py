"""What one stored mail becomes: nothing (our own loop), a bounce record, a duplicate,
a new ticket, or a message in an existing ticket. Runs inside the caller's transaction.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from rapport.channels.email.filters.base import Verdict
from rapport.channels.email.filters.chain import run_chain
from rapport.channels.email.inbound.adapter import filter_context, inbound_mail
from rapport.channels.email.inbound.threads import ThreadMatch, find_thread, remember
from rapport.channels.email.models import (
    BouncedAddress,
    InboundEmail,
    InboundStatus,
    Mailbox,
    ProcessedKey,
)
from rapport.channels.email.parsing import ParsedMessage, parse_message
from rapport.channels.email.quotes import split_reply
from rapport.contacts.models import Customer
from rapport.contacts.services import find_or_create_by_email
from rapport.core.emailaddr import normalise_email
from rapport.core.language import detect_language
from rapport.tickets import services as ticket_services
from rapport.tickets.attachments import IncomingFile
from rapport.tickets.models import Attachment, Channel, Message, Priority, Status, Ticket

MAX_KEPT_IDS = 50
MAX_KEPT_DEFECTS = 20
NO_SUBJECT = "(no subject)"


class Unprocessable(Exception):
    """The mail cannot become a ticket message; it goes to quarantine with this reason."""


@dataclass
class Handled:
    status: str
    ticket: Ticket | None = None
    message: Message | None = None
    outcome: dict[str, Any] | None = None


# A parsed mail, or why it could not be parsed (raised again when it is handled).
Parsed = ParsedMessage | Exception


def parse_stored(inbound: InboundEmail) -> Parsed:
    try:
        return parse_message(bytes(inbound.raw), limits=_limits())
    except Exception as exc:  # noqa: BLE001  (kept, and raised again inside the savepoint)
        return exc


def handle(inbound: InboundEmail, own_addresses: frozenset[str], parsed: Parsed) -> Handled:
    if isinstance(parsed, Exception):
        raise parsed
    mailbox = inbound.mailbox
    verdict = run_chain(inbound_mail(parsed), filter_context(mailbox, own_addresses))
    outcome: dict[str, Any] = {"filters": [[r.filter, r.text] for r in verdict.reasons]}
    if verdict.drop:
        return Handled(InboundStatus.DROPPED, outcome=outcome)
    if verdict.is_bounce:
        _record_bounces(inbound, verdict)
        outcome["failed_recipients"] = list(verdict.failed_recipients)
        return Handled(InboundStatus.BOUNCE, outcome=outcome)
    sender = normalise_email(parsed.from_address or "")
    if "@" not in sender:
        raise Unprocessable("The mail has no valid From address.")
    duplicate_of = _claim(inbound, parsed, sender)
    if duplicate_of is not None:
        outcome["duplicate_of"] = duplicate_of
        return Handled(InboundStatus.DUPLICATE, outcome=outcome)
    return _file(inbound, parsed, verdict, sender, mailbox, own_addresses, outcome)


def _limits() -> Any:
    from rapport.channels.email.limits import DEFAULT_LIMITS, ParseLimits

    return ParseLimits(**{**DEFAULT_LIMITS.__dict__, "max_bytes": settings.RAPPORT_EMAIL_MAX_BYTES})


def dedup_key(parsed: ParsedMessage, sender: str, raw_sha256: str) -> str:
    """Sender + Message-ID identify a mail however it travelled; without a Message-ID
    only identical bytes do, so two different mails are never taken for one."""
    if parsed.message_id:
        return hashlib.sha256(f"{sender}\n{parsed.message_id}".encode()).hexdigest()
    return raw_sha256


def _claim(inbound: InboundEmail, parsed: ParsedMessage, sender: str) -> int | None:
    """Take the mail's unique key; the id of the earlier mail when it is already taken."""
    key = dedup_key(parsed, sender, inbound.sha256)
    try:
        with transaction.atomic():
            ProcessedKey.objects.create(key=key, inbound=inbound)
    except IntegrityError:
        return ProcessedKey.objects.filter(key=key).values_list("inbound_id", flat=True).first()
    return None


def _file(
    inbound: InboundEmail,
    parsed: ParsedMessage,
    verdict: Verdict,
    sender: str,
    mailbox: Mailbox | None,
    own: frozenset[str],
    outcome: dict[str, Any],
) -> Handled:
    recipients = [*inbound.envelope_to, *(a.address for a in parsed.to + parsed.cc)]
    match = find_thread(parsed, sender, recipients)
    outcome["thread"] = match.as_outcome()
    language = detect_language(parsed.text) or (mailbox.language if mailbox else "")
    customer = find_or_create_by_email(sender, name=parsed.from_name, language=language)
    body, extra = _body(parsed)
    metadata = {"email": _metadata(inbound, parsed, verdict, match, extra)}
    ticket, message = _post(match, customer, parsed, body, metadata, verdict, mailbox, language)
    _link_inline_images(message)
    people = [sender, *(a.address for a in parsed.to + parsed.cc)]
    remember(ticket, parsed, [normalise_email(a) for a in people if normalise_email(a) not in own])
    if match.ticket is None and _may_acknowledge(verdict, mailbox):
        _acknowledge(ticket, parsed, sender, mailbox)
    return Handled(InboundStatus.PROCESSED, ticket, message, outcome)


def _post(
    match: ThreadMatch,
    customer: Customer,
    parsed: ParsedMessage,
    body: ticket_services.Body,
    metadata: dict[str, Any],
    verdict: Verdict,
    mailbox: Mailbox | None,
    language: str,
) -> tuple[Ticket, Message]:
    if match.ticket is not None and match.ticket.status != Status.CLOSED:
        message = ticket_services.post_reply(
            match.ticket,
            actor=customer,
            body=body,
            channel=Channel.EMAIL,
            metadata=metadata,
            external_id=(parsed.message_id or "")[:255],
            reopen=verdict.may_reopen,
        )
        return match.ticket, message
    if match.ticket is not None:  # a reply to a closed ticket opens a follow-up
        metadata["email"]["follow_up_of"] = match.ticket.pk
        match.rule = "follow_up"
    fields = verdict.trusted_header_fields
    ticket = ticket_services.create_ticket(
        actor=customer,
        requester=customer,
        subject=parsed.subject or NO_SUBJECT,
        body=body,
        channel=Channel.EMAIL,
        team=mailbox.team if mailbox else None,
        priority=_priority(fields.get("priority")),
        language=fields.get("language") or language,
        tags=_tags(fields.get("tags", "")),
        metadata=metadata,
        source=f"mailbox:{mailbox.pk}" if mailbox else "email",
        external_id=(parsed.message_id or "")[:255],
    )
    return ticket, ticket.messages.order_by("seq").last()  # type: ignore[return-value]


def _priority(name: str | None) -> int:
    try:
        return Priority.from_name(name) if name else Priority.NORMAL
    except (KeyError, ValueError):
        return Priority.NORMAL


def _tags(value: str) -> list[str]:
    return [t for t in re.split(r"[,\s]+", value) if t][:10]


def _body(parsed: ParsedMessage) -> tuple[ticket_services.Body, dict[str, Any]]:
    split = split_reply(parsed.text, parsed.html or None)
    limit = settings.RAPPORT_MAX_ATTACHMENTS_PER_MESSAGE
    size_limit = settings.RAPPORT_MAX_ATTACHMENT_BYTES
    kept = [a for a in parsed.attachments if a.size <= size_limit][:limit]
    files = [IncomingFile(a.filename, a.content, a.content_type) for a in kept]
    extra: dict[str, Any] = {
        "quote_rule": split.rule,
        "attachments_not_kept": len(parsed.attachments) - len(kept),
        "inline": {a.filename: a.content_id for a in kept if a.is_inline and a.content_id},
    }
    if split.rule is not None:
        text = split.new_text + (f"\n\n{split.signature}" if split.signature else "")
        return ticket_services.Body(text=text or parsed.text, files=files), extra
    body = ticket_services.Body(
        text=parsed.text, html=parsed.html, files=files, html_is_sanitised=True
    )
    if not parsed.text.strip() and not parsed.html and not files:
        body.text = "(empty message)"
    return body, extra


def _metadata(
    inbound: InboundEmail,
    parsed: ParsedMessage,
    verdict: Verdict,
    match: ThreadMatch,
    extra: dict[str, Any],
) -> dict[str, Any]:
    return {
        "inbound_id": inbound.pk,
        "mailbox_id": inbound.mailbox_id,
        "message_id": parsed.message_id or "",
        "in_reply_to": parsed.in_reply_to or "",
        "references": parsed.references[-MAX_KEPT_IDS:],
        "from": parsed.from_address or "",
        "from_name": parsed.from_name,
        "to": [a.address for a in parsed.to][:MAX_KEPT_IDS],
        "cc": [a.address for a in parsed.cc][:MAX_KEPT_IDS],
        "subject": parsed.subject,
        "date": parsed.date.isoformat() if parsed.date else "",
        "thread": match.as_outcome(),
        "flags": sorted(verdict.flags),
        "filters": [[r.filter, r.text] for r in verdict.reasons],
        "ignored_headers": list(verdict.ignored_header_fields),
        "defects": parsed.defects[:MAX_KEPT_DEFECTS],
        **extra,
    }


def _link_inline_images(message: Message) -> None:
    """Point <img data-cid> placeholders at the stored attachments (same-origin URLs)."""
    inline: dict[str, str] = message.channel_metadata["email"].get("inline", {})
    if not inline or "data-cid" not in message.body_html:
        return
    urls = {}
    for attachment in Attachment.objects.filter(message=message):
        content_id = inline.get(attachment.filename)
        if content_id:
            urls[content_id] = reverse("tickets:attachment", args=[attachment.public_id])

    def swap(found: re.Match[str]) -> str:
        url = urls.get(html.unescape(found[1]))
        return f'src="{html.escape(url)}"' if url else found[0]

    message.body_html = re.sub(r'data-cid="([^"]*)"', swap, message.body_html)
    Message.objects.filter(pk=message.pk).update(body_html=message.body_html)


def _may_acknowledge(verdict: Verdict, mailbox: Mailbox | None) -> bool:
    return bool(mailbox and mailbox.acknowledge_new and verdict.may_acknowledge)


def _acknowledge(
    ticket: Ticket, parsed: ParsedMessage, sender: str, mailbox: Mailbox | None
) -> None:
    from rapport.channels.email.outbound.services import queue_acknowledgement

    queue_acknowledgement(
        ticket,
        to_address=sender,
        mailbox=mailbox,
        in_reply_to=parsed.message_id or "",
        references=[*parsed.references, *([parsed.message_id] if parsed.message_id else [])],
    )


def _record_bounces(inbound: InboundEmail, verdict: Verdict) -> None:
    now = timezone.now()
    for address in verdict.failed_recipients:
        value = normalise_email(address)[:320]
        updated = BouncedAddress.objects.filter(address=value).update(
            status=verdict.bounce_status or "",
            inbound=inbound,
            last_bounced_at=now,
            count=F("count") + 1,
        )
        if not updated:
            BouncedAddress.objects.create(
                address=value,
                status=verdict.bounce_status or "",
                inbound=inbound,
                last_bounced_at=now,
            )
