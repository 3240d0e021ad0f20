"""Delivery status notifications (RFC 3464): which recipients failed, and why."""

import re
from dataclasses import dataclass

from rapport.channels.email.addresses import parse_address_list

MAX_REPORT_CHARS = 1_000_000
MAX_RECIPIENTS = 1_000
_STATUS_RE = re.compile(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b")
_BLOCK_SPLIT_RE = re.compile(r"\r?\n[ \t]*\r?\n")


@dataclass(frozen=True)
class RecipientStatus:
    address: str
    action: str  # failed, delayed, delivered, relayed, expanded
    status: str  # e.g. 5.1.1
    diagnostic: str = ""
    remote_mta: str = ""
    original_recipient: str = ""


@dataclass(frozen=True)
class DeliveryReport:
    report_type: str = "delivery-status"
    reporting_mta: str = ""
    recipients: tuple[RecipientStatus, ...] = ()

    @property
    def failed(self) -> list[RecipientStatus]:
        return [r for r in self.recipients if r.action == "failed"]


def parse_delivery_status(text: str) -> tuple[DeliveryReport, list[str]]:
    """The per-message block and the per-recipient blocks of a message/delivery-status."""
    defects: list[str] = []
    if len(text) > MAX_REPORT_CHARS:
        text = text[:MAX_REPORT_CHARS]
        defects.append("delivery status too long; cut")
    blocks = [_fields(block) for block in _BLOCK_SPLIT_RE.split(text.strip()) if block.strip()]
    if not blocks:
        return DeliveryReport(), ["empty delivery status"]
    reporting_mta = _after_type(blocks[0].get("reporting-mta", ""))
    recipients = []
    for block in blocks[1 : MAX_RECIPIENTS + 1]:
        recipient = _recipient(block)
        if recipient is None:
            defects.append("delivery status block without a recipient")
        else:
            recipients.append(recipient)
    if not recipients and "final-recipient" in blocks[0]:
        # Some servers write one block only: the recipient fields with the message ones.
        recipient = _recipient(blocks[0])
        recipients = [recipient] if recipient else []
    return DeliveryReport(reporting_mta=reporting_mta, recipients=tuple(recipients)), defects


def _fields(block: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    name = ""
    for line in block.splitlines():
        if line[:1] in (" ", "\t") and name:
            fields[name] += " " + line.strip()
            continue
        key, sep, value = line.partition(":")
        if sep and key.strip():
            name = key.strip().lower()
            fields.setdefault(name, value.strip())
    return fields


def _after_type(value: str) -> str:
    """'rfc822; user@example.com' -> 'user@example.com'."""
    kind, sep, rest = value.partition(";")
    return (rest if sep else kind).strip()


def _recipient(block: dict[str, str]) -> RecipientStatus | None:
    written = _after_type(block.get("final-recipient", "") or block.get("original-recipient", ""))
    if not written:
        return None
    addresses, _ = parse_address_list(written, max_addresses=1)
    status = _STATUS_RE.search(block.get("status", ""))
    return RecipientStatus(
        address=addresses[0].address if addresses else written,
        action=block.get("action", "").split()[0].lower() if block.get("action") else "",
        status=status.group(0) if status else "",
        diagnostic=_after_type(block.get("diagnostic-code", "")),
        remote_mta=_after_type(block.get("remote-mta", "")),
        original_recipient=_after_type(block.get("original-recipient", "")),
    )
