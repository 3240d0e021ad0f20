"""Bounces: delivery status notifications and the informal bounces of old MTAs.

A DSN (RFC 3464, `multipart/report; report-type=delivery-status`) says exactly
which recipients failed. Older or misconfigured MTAs send a plain mail from
MAILER-DAEMON or postmaster instead; for those the failed addresses are read
from X-Failed-Recipients or from the lines of the bounce text that name them.
Every bounce is recorded against the customer's address, never made a ticket.
"""

from __future__ import annotations

import re

from .base import FilterContext, FilterResult, Flag
from .mail import DeliveryReport, InboundMail

DSN_REPORT_TYPES = frozenset({"delivery-status", "global-delivery-status"})  # RFC 3464, 6533
BOUNCE_SENDERS = frozenset({"mailer-daemon", "postmaster"})
BOUNCE_SUBJECT = re.compile(
    r"undelivered mail returned to sender|undeliverable|delivery status notification \(failure\)|"
    r"mail delivery failed|delivery failure|returned mail|failure notice|"
    r"недоставленное сообщение|не удалось доставить|сообщение не доставлено|ошибка доставки|"
    r"退信|邮件投递失败|无法投递|投递失败|"
    r"непрослеђена порука|неиспоручена порука|недостављена порука|"
    r"neprosleđena poruka|neisporučena poruka|nedostavljena poruka",
    re.IGNORECASE,
)
_ADDRESS = r"[^\s<>@:;,\"]+@[^\s<>@:;,\"]+\.[^\s<>@:;,\"]+"
_FAILED_LINES = (
    re.compile(rf"<({_ADDRESS})>:.*"),  # Postfix: "<user@example.com>: host … said: 550 …"
    re.compile(rf"\s+<?({_ADDRESS})>?\s*"),  # Exim: the failed address alone, indented
    re.compile(rf".*(?:wasn't|was not) delivered to <?({_ADDRESS})>?.*", re.IGNORECASE),
    re.compile(
        rf"\s*(?:recipient|收件人|получатель|адресат|прималац|primalac)\s*[:：]\s*<?({_ADDRESS})>?.*",
        re.IGNORECASE,
    ),
)
# Where the bounce starts quoting the returned message: addresses below it are
# the original's, not the failed ones.
_ORIGINAL_STARTS = re.compile(
    r"original message|copy of the message|исходное сообщение|原始邮件|оригинална порука|"
    r"originalna poruka|^-+\s*$",
    re.IGNORECASE,
)
_STATUS = re.compile(r"\b([245]\.\d{1,3}\.\d{1,3})\b")
MAX_SCANNED_LINES = 200


class BounceFilter:
    name = "bounce"

    def apply(self, mail: InboundMail, ctx: FilterContext) -> FilterResult | None:
        report = mail.report
        if mail.is_multipart_report and report and report.report_type in DSN_REPORT_TYPES:
            return _from_dsn(report)
        if not _looks_like_informal_bounce(mail):
            return None
        failed, status = _failed_from_text(mail)
        return FilterResult(
            f"bounce from {mail.from_address or 'a null sender'}: {mail.subject!r}",
            frozenset({Flag.BOUNCE}),
            failed_recipients=failed,
            bounce_status=status,
        )


def _from_dsn(report: DeliveryReport) -> FilterResult:
    failed = [r for r in report.recipients if r.action == "failed" or r.status[:1] == "5"]
    status = next((r.status for r in failed + list(report.recipients) if r.status), None)
    kind = "failed" if failed else "without a failure (delay or success notice)"
    return FilterResult(
        f"delivery status notification, {kind}",
        frozenset({Flag.BOUNCE}),
        failed_recipients=tuple(r.address.lower() for r in failed),
        bounce_status=status,
    )


def _looks_like_informal_bounce(mail: InboundMail) -> bool:
    local_part = mail.from_address.partition("@")[0].lower()
    subject_says_so = bool(BOUNCE_SUBJECT.search(mail.subject))
    null_sender = mail.header("return-path").strip() == "<>"
    if local_part in BOUNCE_SENDERS:
        return subject_says_so or null_sender or "x-failed-recipients" in mail.headers
    return "x-failed-recipients" in mail.headers and (subject_says_so or null_sender)


def _failed_from_text(mail: InboundMail) -> tuple[tuple[str, ...], str | None]:
    listed = [a.strip().strip("<>").lower() for a in mail.header("x-failed-recipients").split(",")]
    from_header = [address for address in listed if "@" in address]
    found: list[str] = []
    status = None
    for line in mail.text.splitlines()[:MAX_SCANNED_LINES]:
        if _ORIGINAL_STARTS.search(line):
            break
        status = status or _first_status(line)
        address = None if from_header else _failed_address(line)
        if address:
            found.append(address)
    return tuple(dict.fromkeys(from_header or found)), status


def _failed_address(line: str) -> str | None:
    for pattern in _FAILED_LINES:
        match = pattern.fullmatch(line)
        if match:
            return match.group(1).lower()
    return None


def _first_status(line: str) -> str | None:
    match = _STATUS.search(line)
    return match.group(1) if match else None
