"""The few facts about an inbound message that the filters decide on.

Kept apart from the MIME parser's ParsedMessage so each filter can be tested on
raw .eml text through the standard library alone; an adapter from ParsedMessage
builds the same dataclass in production.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage, Message
from email.parser import HeaderParser
from email.utils import getaddresses

from ..quotes.html import html_to_quoted_text

# Headers the filters read (lower case). Repeated headers are joined with "\n";
# a value may still be folded (a newline followed by white space).
WANTED_HEADERS = frozenset(
    {
        "message-id",
        "auto-submitted",
        "x-autoreply",
        "x-autorespond",
        "x-auto-response-suppress",
        "precedence",
        "list-id",
        "authentication-results",
        "x-loop",
        "return-path",
        "x-failed-recipients",
    }
)
RAPPORT_HEADER_PREFIX = "x-rapport-"


@dataclass(frozen=True)
class RecipientReport:
    """One per-recipient block of a delivery status notification (RFC 3464)."""

    address: str
    action: str  # "failed", "delayed", "delivered", "relayed", "expanded"
    status: str  # "5.1.1"
    diagnostic: str = ""


@dataclass(frozen=True)
class DeliveryReport:
    """The machine-readable part of a multipart/report (RFC 6522)."""

    report_type: str  # "delivery-status", "disposition-notification", …
    recipients: tuple[RecipientReport, ...] = ()


@dataclass(frozen=True)
class InboundMail:
    headers: Mapping[str, str] = field(default_factory=dict)
    subject: str = ""
    from_address: str = ""
    text: str = ""
    is_multipart_report: bool = False
    report: DeliveryReport | None = None

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")

    @property
    def from_domain(self) -> str:
        return self.from_address.rpartition("@")[2].lower()

    @classmethod
    def from_email_message(cls, msg: EmailMessage) -> InboundMail:
        is_report = msg.get_content_type() == "multipart/report"
        return cls(
            headers=_wanted_headers(msg),
            subject=str(msg.get("subject", "")).strip(),
            from_address=_from_address(msg),
            text=_body_text(msg),
            is_multipart_report=is_report,
            report=_delivery_report(msg) if is_report else None,
        )


def _wanted_headers(msg: Message) -> dict[str, str]:
    headers: dict[str, list[str]] = {}
    for name, value in msg.items():
        key = name.lower()
        if key in WANTED_HEADERS or key.startswith(RAPPORT_HEADER_PREFIX):
            headers.setdefault(key, []).append(str(value).strip())
    return {key: "\n".join(values) for key, values in headers.items()}


def _from_address(msg: Message) -> str:
    for header in msg.get_all("from", []):
        # policy.default gives structured headers; compat32 plain strings.
        structured = getattr(header, "addresses", None)
        if structured is not None:
            candidates = [address.addr_spec for address in structured]
        else:
            candidates = [address for _, address in getaddresses([str(header)])]
        found = next((address for address in candidates if "@" in address), "")
        if found:
            return found
    return ""


def _body_text(msg: EmailMessage) -> str:
    part = msg.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    if part.get_content_subtype() == "html":  # an HTML-only bounce still names its recipients
        return html_to_quoted_text(_decoded(part))
    return _decoded(part)


def _decoded(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, errors="replace")
    except LookupError:  # an unknown charset label: keep what can be read
        return payload.decode("utf-8", errors="replace")


def _delivery_report(msg: Message) -> DeliveryReport:
    report_type = str(msg.get_param("report-type", "", header="content-type")).lower()
    for part in msg.walk():
        if part.get_content_type() in ("message/delivery-status", "message/global-delivery-status"):
            blocks = _status_blocks(part)
            # The first block is about the message, the others one recipient each.
            recipients = tuple(_recipient(block) for block in blocks[1:])
            return DeliveryReport(report_type, tuple(r for r in recipients if r.address))
    return DeliveryReport(report_type)


def _status_blocks(part: Message) -> list[Message]:
    payload = part.get_payload()
    if isinstance(payload, list):
        return [block for block in payload if isinstance(block, Message)]
    text = _decoded(part) if isinstance(payload, str) else ""
    chunks = text.replace("\r\n", "\n").split("\n\n")
    return [HeaderParser().parsestr(chunk) for chunk in chunks if chunk.strip()]


def _recipient(block: Message) -> RecipientReport:
    recipient = str(block.get("final-recipient") or block.get("original-recipient") or "")
    # "rfc822; user@example.com": the address type comes first.
    address = recipient.partition(";")[2].strip() if ";" in recipient else recipient.strip()
    return RecipientReport(
        address=address.strip("<>"),
        action=str(block.get("action", "")).strip().lower(),
        status=str(block.get("status", "")).strip().split(" ")[0],
        diagnostic=" ".join(str(block.get("diagnostic-code", "")).split()),
    )
