"""Who an outbound mail comes from and goes to, and which conversation it continues.

Everything read from an inbound message's channel_metadata is treated as untrusted
and possibly incomplete: it was written from a customer's headers.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.utils import getaddresses, parseaddr
from typing import Any

from django.conf import settings

from rapport.channels.email.models import Mailbox, OutboundEmail
from rapport.channels.email.replyaddress import split_plus
from rapport.core.emailaddr import normalise_email
from rapport.tickets.models import Channel, Direction, Message, Ticket

MAX_REFERENCES = 20
MAX_CC = 20
# Only the newest inbound messages are looked at: the latest mail decides the thread.
_INBOUND_SCAN = 20
_MESSAGE_ID_MAX = 255
_REPLY_PREFIX = re.compile(
    r"^\s*(?:(?:re|aw|sv|antw|odg|ответ|回复|答复)\s*(?:\[\d+\]|\(\d+\))?\s*[:：]\s*)+",
    re.IGNORECASE,
)
_BRACKETED = re.compile(r"<([^<>\s]+)>")


@dataclass(frozen=True)
class Thread:
    in_reply_to: str = ""
    references: tuple[str, ...] = ()


@dataclass(frozen=True)
class Recipients:
    to: list[str]
    cc: list[str]


def new_message_id() -> str:
    """A Message-ID in our own domain, without angle brackets (as ThreadKey stores it)."""
    return f"rapport.{secrets.token_hex(16)}@{settings.RAPPORT_EMAIL_DOMAIN}"


def bare_message_id(value: Any) -> str:
    if not isinstance(value, str):
        return ""
    value = value.strip().strip("<>").strip()
    if not value or len(value) > _MESSAGE_ID_MAX or any(c.isspace() or c in "<>" for c in value):
        return ""
    return value


def email_part(metadata: Any) -> dict[str, Any]:
    """channel_metadata["email"] when it is a dict, else an empty dict."""
    part = metadata.get("email") if isinstance(metadata, dict) else None
    return part if isinstance(part, dict) else {}


def latest_inbound_email(ticket: Ticket) -> dict[str, Any]:
    """The email metadata of the newest inbound email message that has a Message-ID."""
    rows = (
        Message.objects.filter(ticket=ticket, channel=Channel.EMAIL, direction=Direction.INBOUND)
        .order_by("-seq")
        .values_list("channel_metadata", flat=True)[:_INBOUND_SCAN]
    )
    for metadata in rows:
        part = email_part(metadata)
        if bare_message_id(part.get("message_id")):
            return part
    return {}


def sending_mailbox(ticket: Ticket, last_inbound: dict[str, Any]) -> Mailbox | None:
    """The mailbox the customer wrote to, else the team's, else the first active one."""
    active = Mailbox.objects.filter(active=True).order_by("pk")
    mailbox_id = last_inbound.get("mailbox_id")
    if isinstance(mailbox_id, int) and not isinstance(mailbox_id, bool):
        found = active.filter(pk=mailbox_id).first()
        if found is not None:
            return found
    if ticket.team_id is not None:
        found = active.filter(team_id=ticket.team_id).first()
        if found is not None:
            return found
    return active.first()


def display_address(name: str, address: str) -> str:
    """'Name <address>' quoted as needed; the bare address when the name cannot be used."""
    name = " ".join(name.split())  # a line break in a header would be refused when sending
    if not name:
        return address
    try:
        return str(Address(display_name=name, addr_spec=address))
    except (ValueError, IndexError, HeaderParseError):
        return address


def from_header(mailbox: Mailbox | None) -> str:
    if mailbox is None:
        return settings.DEFAULT_FROM_EMAIL
    return display_address(mailbox.sender_name or mailbox.name, mailbox.address)


def own_addresses() -> set[str]:
    """Every address that is Rapport itself: a reply must never be copied to us."""
    own = {normalise_email(a) for a in Mailbox.objects.values_list("address", flat=True)}
    own.add(normalise_email(parseaddr(settings.DEFAULT_FROM_EMAIL)[1]))
    return own


def _addresses(value: Any) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return []
    texts = [item for item in value if isinstance(item, str)]
    return [address for _, address in getaddresses(texts) if "@" in address]


def reply_recipients(ticket: Ticket, last_inbound: dict[str, Any], own: set[str]) -> Recipients:
    """To the requester; copies to everyone else on the customer's last mail but us."""
    senders = _addresses(last_inbound.get("from"))
    primary = ticket.requester.email or (senders[0] if senders else "")
    seen = {normalise_email(primary)} if primary else set()
    cc: list[str] = []
    others = senders + _addresses(last_inbound.get("to")) + _addresses(last_inbound.get("cc"))
    for address in others:
        key = normalise_email(address)
        if key in seen or key in own or split_plus(key)[0] in own:
            continue
        seen.add(key)
        cc.append(address)
    return Recipients(to=[primary] if primary else [], cc=cc[:MAX_CC])


def reference_list(value: Any) -> list[str]:
    if isinstance(value, str):
        return _BRACKETED.findall(value) or value.split()
    if isinstance(value, list | tuple):
        return [item for item in value if isinstance(item, str)]
    return []


def bounded_references(ids: list[str]) -> tuple[str, ...]:
    """Unique ids in order; when too many, the thread's root and the newest ones (RFC 5322)."""
    unique = list(dict.fromkeys(filter(None, (bare_message_id(i) for i in ids))))
    if len(unique) > MAX_REFERENCES:
        unique = unique[:1] + unique[-(MAX_REFERENCES - 1):]
    return tuple(unique)


def thread_for(ticket: Ticket, last_inbound: dict[str, Any]) -> Thread:
    """Continue the customer's last mail, else our own last mail on the ticket."""
    parent = bare_message_id(last_inbound.get("message_id"))
    if parent:
        earlier = reference_list(last_inbound.get("references"))
        return Thread(parent, bounded_references([*earlier, parent]))
    previous = (
        OutboundEmail.objects.filter(ticket=ticket).order_by("-created_at", "-pk")
        .values_list("message_id", "references").first()
    )
    if previous is None:
        return Thread()
    message_id, references = previous
    return Thread(message_id, bounded_references([*references.split(), message_id]))


def reply_subject(subject: str, ticket_id: int) -> str:
    """'Re: <subject> [#42]' with neither the prefix nor the tag doubled."""
    tag = f"[#{ticket_id}]"
    base = _REPLY_PREFIX.sub("", subject).replace(tag, " ")
    base = " ".join(base.split())[:250]
    return f"Re: {base} {tag}" if base else f"Re: {tag}"
