"""parse_message: raw RFC 5322 bytes in, a ParsedMessage out — for any mail at all.

Nothing here touches the database or Django: the inbound job stores the raw bytes
first, then calls this. Malformed input never raises; what was wrong is listed in
ParsedMessage.defects. The only error is MessageTooLarge, before any parsing.
The caller keeps the raw bytes; nothing here modifies them.
"""

from dataclasses import dataclass, field, fields
from datetime import datetime
from email.message import Message
from email.parser import BytesHeaderParser

from rapport.channels.email.addresses import (
    EmailAddress,
    parse_address_list,
    parse_date,
    parse_message_ids,
)
from rapport.channels.email.bodies import first_header, mime_info
from rapport.channels.email.dsn import DeliveryReport
from rapport.channels.email.headertext import decode_words, unfold
from rapport.channels.email.htmlbody import html_to_plain, sanitise_email_html
from rapport.channels.email.limits import DEFAULT_LIMITS, MessageTooLarge, ParseLimits
from rapport.channels.email.mimescan import apply_plan, bounded_policy, parse_tree, plan_limits
from rapport.channels.email.walker import Collected, ParsedAttachment, Walker

__all__ = ["ParsedAttachment", "ParsedMessage", "parse_message"]

# Headers the filters after parsing look at (auto-reply, bounce, list, spoofing, loops);
# every X- and List- header is kept as well.
SELECTED_HEADERS = frozenset(
    {
        "auto-submitted",
        "precedence",
        "authentication-results",
        "arc-authentication-results",
        "received-spf",
        "content-type",
        "return-path",
        "sender",
        "delivered-to",
        "errors-to",
        "feedback-id",
        "user-agent",
        "thread-index",
        "thread-topic",
        "importance",
        "mime-version",
    }
)
# Read into their own fields, so left out of ParsedMessage.headers.
_PARSED_HEADERS = frozenset(
    {"from", "subject", "date", "message-id", "in-reply-to", "references", "to", "cc", "reply-to"}
)
# A second one of these is a defect (RFC 5322 allows one).
_SINGLE_HEADERS = (
    "from",
    "sender",
    "subject",
    "date",
    "message-id",
    "in-reply-to",
    "references",
    "to",
    "cc",
    "reply-to",
)


@dataclass(frozen=True)
class _Envelope:
    message_id: str | None
    in_reply_to: str | None
    references: list[str]
    subject: str
    from_address: str | None
    from_name: str
    to: list[EmailAddress]
    cc: list[EmailAddress]
    reply_to: list[EmailAddress]
    date: datetime | None


@dataclass(frozen=True)
class ParsedMessage(_Envelope):
    """One inbound mail as read. Ids are without their angle brackets, exactly as written;
    addresses have their domain in lowercase Unicode (IDN and punycode spell it alike);
    text always exists (from text/plain, else from the HTML); html is sanitised, or ""
    when the mail has no HTML part; defects say what was wrong or guessed."""

    headers: dict[str, list[str]]
    text: str
    html: str
    attachments: list[ParsedAttachment]
    defects: list[str]
    is_multipart_report: bool
    report: DeliveryReport | None
    raw_size: int

    def header(self, name: str) -> str | None:
        """The first value of a selected header, unfolded; None when absent."""
        values = self.headers.get(name.lower())
        return values[0] if values else None


@dataclass
class _Headers:
    values: dict[str, list[str]] = field(default_factory=dict)
    defects: list[str] = field(default_factory=list)


def parse_message(raw: bytes, *, limits: ParseLimits = DEFAULT_LIMITS) -> ParsedMessage:
    """Read any mail; raises only MessageTooLarge, everything else becomes a defect."""
    if len(raw) > limits.max_bytes:
        raise MessageTooLarge(len(raw), limits.max_bytes)
    truncated: list[str] = []
    policy = bounded_policy(limits, truncated)
    plan = plan_limits(raw, limits)
    defects = list(plan.defects)
    tree: Message
    try:
        tree = parse_tree(apply_plan(raw, plan), policy)
    except RecursionError:  # the scan above should prevent it; a last guard
        defects.append("MIME structure too deep to parse; only the headers were read")
        tree = BytesHeaderParser(policy=policy).parsebytes(raw)
    walker = Walker(limits=limits, policy=policy)
    collected = Collected()
    walker.walk(tree, 0, collected)
    defects.extend(f"header {name} longer than the limit; truncated" for name in truncated)
    headers = _read_headers(tree, limits)
    return _assemble(tree, raw, headers, walker, collected, defects, limits)


def _read_headers(tree: Message, limits: ParseLimits) -> _Headers:
    result = _Headers()
    items = tree.raw_items()
    for index, (name, value) in enumerate(items):
        if index >= limits.max_headers:
            result.defects.append(f"more than {limits.max_headers} headers; the rest ignored")
            break
        key = name.strip().lower()
        if key in SELECTED_HEADERS or key.startswith(("x-", "list-")) or key in _SINGLE_HEADERS:
            # Raw values: 8-bit bytes read as UTF-8, never guessed (there may be a thousand).
            text = unfold(value).encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            result.values.setdefault(key, []).append(text)
    for key in _SINGLE_HEADERS:
        if len(result.values.get(key, [])) > 1:
            result.defects.append(f"duplicate {key} header; the first one used")
    return result


def _envelope(
    tree: Message, limits: ParseLimits, hint: str | None, defects: list[str]
) -> _Envelope:
    sender, from_defects = _from(tree, limits, hint)
    defects += from_defects
    to, cc, reply_to = (
        _addresses(tree, n, limits, hint, defects) for n in ("to", "cc", "reply-to")
    )
    message_ids = _ids(tree, "message-id", limits, defects)
    if not message_ids:
        defects.append("no Message-ID")
    in_reply_to = _ids(tree, "in-reply-to", limits, defects)
    references = _ids(tree, "references", limits, defects)
    date, date_defects = parse_date(first_header(tree, "date")) if tree.get("date") else (None, [])
    subject, subject_defects = decode_words(first_header(tree, "subject"), hint)
    defects += [*date_defects, *(f"subject: {d}" for d in subject_defects)]
    return _Envelope(
        message_id=message_ids[0] if message_ids else None,
        in_reply_to=in_reply_to[0] if in_reply_to else None,
        references=references,
        subject=subject.strip(),
        from_address=sender.address if sender else None,
        from_name=sender.name if sender else "",
        to=to,
        cc=cc,
        reply_to=reply_to,
        date=date,
    )


def _assemble(
    tree: Message,
    raw: bytes,
    headers: _Headers,
    walker: Walker,
    collected: Collected,
    defects: list[str],
    limits: ParseLimits,
) -> ParsedMessage:
    defects += headers.defects
    envelope = _envelope(tree, limits, walker.first_charset, defects)
    html, text, attachments = _bodies(walker, collected, defects)
    return ParsedMessage(
        **{f.name: getattr(envelope, f.name) for f in fields(envelope)},
        headers={k: v for k, v in headers.values.items() if k not in _PARSED_HEADERS},
        text=text,
        html=html,
        attachments=attachments,
        defects=defects + walker.defects,
        is_multipart_report=mime_info(tree).media_type == "multipart/report",
        report=walker.report,
        raw_size=len(raw),
    )


def _from(
    tree: Message, limits: ParseLimits, hint: str | None
) -> tuple[EmailAddress | None, list[str]]:
    raw = first_header(tree, "from")
    if not raw.strip():
        return None, ["no From header"]
    found, defects = parse_address_list(raw, max_addresses=limits.max_addresses, hint=hint)
    if not found:
        return None, [*(f"from: {d}" for d in defects), "no valid From address"]
    if len(found) > 1:
        defects.append(f"From has {len(found)} addresses; the first one used")
    return found[0], [f"from: {d}" for d in defects]


def _addresses(
    tree: Message, name: str, limits: ParseLimits, hint: str | None, defects: list[str]
) -> list[EmailAddress]:
    found: list[EmailAddress] = []
    for raw in tree.get_all(name, [])[:1]:
        parsed, problems = parse_address_list(raw, max_addresses=limits.max_addresses, hint=hint)
        found.extend(parsed)
        defects.extend(f"{name}: {p}" for p in problems)
    return found


def _ids(tree: Message, name: str, limits: ParseLimits, defects: list[str]) -> list[str]:
    raw = first_header(tree, name)
    if not raw:
        return []
    ids, problems = parse_message_ids(raw, limit=limits.max_references)
    defects.extend(f"{name}: {p}" for p in problems)
    return ids


def _bodies(
    walker: Walker, collected: Collected, defects: list[str]
) -> tuple[str, str, list[ParsedAttachment]]:
    """Sanitised HTML, plain text (from HTML when there is no text part), attachments."""
    content_ids = {a.content_id.lower(): a.content_id for a in walker.attachments if a.content_id}
    html, used, found = sanitise_email_html("\n".join(collected.htmls), content_ids)
    defects += found
    text = "\n\n".join(t.strip("\n") for t in collected.texts if t.strip())
    if not text.strip():
        text = html_to_plain(html) if collected.htmls else walker.fallback_text.strip()
    attachments = [
        ParsedAttachment(
            filename=a.filename,
            content_type=a.content_type,
            content=a.content,
            content_id=a.content_id,
            is_inline=a.content_id in used,
        )
        for a in walker.attachments
    ]
    return (html if collected.htmls else ""), text.rstrip(), attachments
