"""The shapes every inbound filter shares: its context, its result, the verdict.

A filter looks at one InboundMail and says what it found (a FilterResult) or
nothing (None). The chain adds the findings up into a Verdict; what Rapport may
*do* with the mail (acknowledge it, let it reopen a ticket) is derived from the
findings in one place, `Verdict`, so no filter has to know about the others.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Protocol

from .mail import InboundMail


class Flag(StrEnum):
    OWN_LOOP = "own_loop"
    BOUNCE = "bounce"
    AUTO_REPLY = "auto_reply"
    MAILING_LIST = "mailing_list"
    RATE_LIMITED = "rate_limited"
    SPOOFING_SUSPECTED = "spoofing_suspected"


def _no_auto_replies_sent(address: str) -> int:
    return 0


@dataclass(frozen=True)
class FilterContext:
    """What the filters need to know about Rapport and the receiving mailbox."""

    instance_id: str = ""
    own_addresses: frozenset[str] = frozenset()  # our mailbox addresses, lower case
    own_message_id_domains: frozenset[str] = frozenset()  # right of "@" in our Message-IDs
    mailbox_trusted: bool = False
    # Authentication-Results are believed only from these authserv-ids (our own MTA);
    # empty means every such header is read, which suits a mailbox whose MTA strips
    # the ones that arrive from outside.
    authserv_ids: frozenset[str] = frozenset()
    auto_reply_limit: int = 3  # automatic replies to one sender in the counting window
    recent_auto_replies_to: Callable[[str], int] = _no_auto_replies_sent


@dataclass(frozen=True)
class FilterResult:
    reason: str
    flags: frozenset[Flag] = frozenset()
    failed_recipients: tuple[str, ...] = ()
    bounce_status: str | None = None
    trusted_fields: Mapping[str, str] = field(default_factory=dict)
    ignored_fields: tuple[str, ...] = ()
    stop: bool = False  # nothing after this filter matters (a loop is dropped)


class Filter(Protocol):
    name: str

    def apply(self, mail: InboundMail, ctx: FilterContext) -> FilterResult | None: ...


@dataclass(frozen=True)
class Reason:
    filter: str
    text: str


@dataclass(frozen=True)
class Verdict:
    flags: frozenset[Flag] = frozenset()
    failed_recipients: tuple[str, ...] = ()
    bounce_status: str | None = None
    trusted_header_fields: Mapping[str, str] = field(default_factory=dict)
    ignored_header_fields: tuple[str, ...] = ()
    reasons: tuple[Reason, ...] = ()
    ran: tuple[str, ...] = ()  # names of the filters that ran, in order

    @property
    def is_own_loop(self) -> bool:
        return Flag.OWN_LOOP in self.flags

    @property
    def drop(self) -> bool:
        """Our own mail came back: store nothing, answer nothing."""
        return self.is_own_loop

    @property
    def is_bounce(self) -> bool:
        return Flag.BOUNCE in self.flags

    @property
    def is_auto_reply(self) -> bool:
        return Flag.AUTO_REPLY in self.flags

    @property
    def is_list(self) -> bool:
        return Flag.MAILING_LIST in self.flags

    @property
    def spoofing_suspected(self) -> bool:
        return Flag.SPOOFING_SUSPECTED in self.flags

    @property
    def may_acknowledge(self) -> bool:
        # A suspected spoof is not acknowledged either: the acknowledgement would go
        # to the forged address, which is backscatter and hurts our sending reputation.
        return not self.flags & {
            Flag.OWN_LOOP,
            Flag.BOUNCE,
            Flag.AUTO_REPLY,
            Flag.MAILING_LIST,
            Flag.RATE_LIMITED,
            Flag.SPOOFING_SUSPECTED,
        }

    @property
    def may_reopen(self) -> bool:
        return not self.flags & {Flag.OWN_LOOP, Flag.BOUNCE, Flag.AUTO_REPLY}

    def add(self, name: str, result: FilterResult | None) -> Verdict:
        if result is None:
            return replace(self, ran=(*self.ran, name))
        return Verdict(
            flags=self.flags | result.flags,
            failed_recipients=_unique(self.failed_recipients + result.failed_recipients),
            bounce_status=self.bounce_status or result.bounce_status,
            trusted_header_fields={**self.trusted_header_fields, **result.trusted_fields},
            ignored_header_fields=self.ignored_header_fields + result.ignored_fields,
            reasons=(*self.reasons, Reason(name, result.reason)),
            ran=(*self.ran, name),
        )


def _unique(items: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))
