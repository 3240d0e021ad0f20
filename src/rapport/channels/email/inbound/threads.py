"""Which ticket an inbound mail belongs to, and why — in any arrival order.

Tried in order: the signed per-ticket reply address, In-Reply-To and References
against every Message-ID Rapport has received or sent, a mail of the ticket that
already referenced this one (a reply that arrived before its original), and a
`[#123]` tag in the subject. A candidate counts only when the sender already
takes part in that ticket; otherwise the mail starts a new ticket, so no thread
history ever reaches a stranger. Every candidate considered is recorded, so the
ticket can show why a mail joined it (or did not).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from rapport.channels.email.models import Participant, ThreadKey, ThreadKeyKind
from rapport.channels.email.parsing import ParsedMessage
from rapport.channels.email.replyaddress import ticket_from_address
from rapport.contacts.models import Identity, IdentityKind
from rapport.tickets.models import Ticket

SUBJECT_TAG = re.compile(r"\[#(\d{1,12})\]")
KNOWN = (ThreadKeyKind.RECEIVED, ThreadKeyKind.SENT)
MAX_MERGE_HOPS = 20


@dataclass
class ThreadMatch:
    ticket: Ticket | None = None
    rule: str = ""
    refused: list[dict[str, Any]] = field(default_factory=list)

    def as_outcome(self) -> dict[str, Any]:
        return {
            "rule": self.rule or "new_ticket",
            "ticket": self.ticket.pk if self.ticket else None,
            "refused": self.refused,
        }


def find_thread(parsed: ParsedMessage, sender: str, recipients: Iterable[str]) -> ThreadMatch:
    match = ThreadMatch()
    for rule, ticket_id in _candidates(parsed, recipients):
        ticket = _current(ticket_id)
        if ticket is None:
            continue
        if is_participant(ticket, sender):
            match.ticket, match.rule = ticket, rule
            return match
        match.refused.append(
            {"rule": rule, "ticket": ticket.pk, "why": "sender is not a participant"}
        )
    return match


def _candidates(parsed: ParsedMessage, recipients: Iterable[str]) -> Iterator[tuple[str, int]]:
    for address in recipients:
        ticket_id = ticket_from_address(address)
        if ticket_id is not None:
            yield "reply_address", ticket_id
    if parsed.in_reply_to:
        yield from _known("in_reply_to", [parsed.in_reply_to], KNOWN)
    yield from _known("references", list(reversed(parsed.references)), KNOWN)
    own = [parsed.message_id] if parsed.message_id else []
    related = [*own, *([parsed.in_reply_to] if parsed.in_reply_to else []), *parsed.references]
    yield from _known("referenced_by_ticket", related, (ThreadKeyKind.REFERENCED,))
    for tag in SUBJECT_TAG.findall(parsed.subject):
        yield "subject_tag", int(tag)


def _known(rule: str, ids: list[str], kinds: Iterable[str]) -> Iterator[tuple[str, int]]:
    if not ids:
        return
    rows = ThreadKey.objects.filter(value__in=ids, kind__in=list(kinds)).values_list(
        "value", "ticket_id"
    )
    by_value: dict[str, list[int]] = {}
    for value, ticket_id in rows:
        by_value.setdefault(value, []).append(ticket_id)
    for message_id in ids:  # keep the order given: nearest ancestor first
        for ticket_id in sorted(by_value.get(message_id, ()), reverse=True):
            yield rule, ticket_id


def _current(ticket_id: int) -> Ticket | None:
    """The ticket, or the one it was merged into."""
    ticket = Ticket.objects.filter(pk=ticket_id).first()
    hops = 0
    while ticket is not None and ticket.merged_into_id and hops < MAX_MERGE_HOPS:
        ticket = Ticket.objects.filter(pk=ticket.merged_into_id).first()
        hops += 1
    return ticket


def is_participant(ticket: Ticket, address: str) -> bool:
    if Participant.objects.filter(ticket=ticket, address=address).exists():
        return True
    return Identity.objects.filter(
        customer_id=ticket.requester_id, kind=IdentityKind.EMAIL, provider="", value=address
    ).exists()


def remember(ticket: Ticket, parsed: ParsedMessage, addresses: Iterable[str]) -> None:
    """Record the mail's ids and people on the ticket, for the mails that follow."""
    keys = []
    if parsed.message_id:
        keys.append((parsed.message_id, ThreadKeyKind.RECEIVED))
    referenced = (
        [parsed.in_reply_to, *parsed.references] if parsed.in_reply_to else parsed.references
    )
    keys += [(value, ThreadKeyKind.REFERENCED) for value in dict.fromkeys(referenced) if value]
    ThreadKey.objects.bulk_create(
        [ThreadKey(value=value[:255], ticket=ticket, kind=kind) for value, kind in keys],
        ignore_conflicts=True,
    )
    Participant.objects.bulk_create(
        [Participant(ticket=ticket, address=a) for a in dict.fromkeys(addresses) if a],
        ignore_conflicts=True,
    )
