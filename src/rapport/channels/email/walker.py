"""Walking the MIME tree: which parts are the body, which are attachments, what a DSN says."""

import io
import mimetypes
from dataclasses import dataclass, field
from email.generator import BytesGenerator
from email.message import Message

from rapport.channels.email import tnef
from rapport.channels.email.bodies import (
    MimeInfo,
    decoded_subject,
    first_header,
    mime_info,
    part_text,
    payload_bytes,
    safe_filename,
)
from rapport.channels.email.dsn import DeliveryReport, parse_delivery_status
from rapport.channels.email.headertext import decode_raw
from rapport.channels.email.htmlbody import meta_charset
from rapport.channels.email.limits import ParseLimits
from rapport.channels.email.mimescan import LIMITED_HEADER, RawHeaderPolicy

_TNEF_TYPES = {"application/ms-tnef", "application/vnd.ms-tnef"}


@dataclass(frozen=True)
class ParsedAttachment:
    filename: str
    content_type: str
    content: bytes
    content_id: str | None = None
    is_inline: bool = False  # shown inside the HTML body (referenced by cid:)

    @property
    def size(self) -> int:
        return len(self.content)


@dataclass
class Collected:
    texts: list[str] = field(default_factory=list)
    htmls: list[str] = field(default_factory=list)


@dataclass
class Walker:
    limits: ParseLimits
    policy: RawHeaderPolicy
    attachments: list[ParsedAttachment] = field(default_factory=list)
    defects: list[str] = field(default_factory=list)
    report: DeliveryReport | None = None
    first_charset: str | None = None
    fallback_text: str = ""  # a TNEF body, used when the mail has no other text
    parts: int = 0

    def walk(self, part: Message, depth: int, into: Collected) -> None:
        self.parts += 1
        if self.parts > self.limits.max_parts:
            if self.parts == self.limits.max_parts + 1:
                self.defects.append(f"more than {self.limits.max_parts} MIME parts; rest skipped")
            return
        self.defects.extend(f"MIME: {type(d).__name__}" for d in part.defects)
        info = mime_info(part, self.first_charset)
        self.defects.extend(info.defects)
        if info.charset and not self.first_charset:
            self.first_charset = info.charset
        if info.media_type.startswith("message/") and part.is_multipart():
            self._message(part, info)
        elif part.is_multipart():
            if depth >= self.limits.max_depth:
                self.defects.append(f"MIME nesting deeper than {self.limits.max_depth}; skipped")
                return
            self._multipart(part, info, depth, into)
        else:
            self._leaf(part, info, into)

    def _multipart(self, part: Message, info: MimeInfo, depth: int, into: Collected) -> None:
        children = [c for c in part.get_payload() if isinstance(c, Message)]
        if info.media_type != "multipart/alternative":
            for child in children:
                self.walk(child, depth + 1, into)
            return
        # Alternatives say the same thing twice: the plain one for text, the richest for HTML.
        options = []
        for child in children:
            option = Collected()
            self.walk(child, depth + 1, option)
            options.append(option)
        into.texts.extend(next((o.texts for o in options if o.texts), []))
        into.htmls.extend(next((o.htmls for o in reversed(options) if o.htmls), []))

    def _leaf(self, part: Message, info: MimeInfo, into: Collected) -> None:
        data, found = payload_bytes(part, info)
        self.defects.extend(found)
        if first_header(part, LIMITED_HEADER):
            self._attach(data, info, "application/octet-stream")
        elif info.media_type in _TNEF_TYPES or info.filename.lower() == "winmail.dat":
            self._tnef(data, info)
        elif info.media_type in ("text/plain", "text/html") and not info.is_attachment:
            self._body(data, info, into)
        elif info.media_type == "message/delivery-status":
            self._report(data, info)
        else:
            self._attach(data, info)

    def _body(self, data: bytes, info: MimeInfo, into: Collected) -> None:
        charset = info.charset
        if info.media_type == "text/html" and not charset:
            charset = meta_charset(data)
        text, found = part_text(data, info, charset)
        self.defects.extend(found)
        (into.htmls if info.media_type == "text/html" else into.texts).append(text)

    def _report(self, data: bytes, info: MimeInfo) -> None:
        text, found = part_text(data, info)
        report, more = parse_delivery_status(text)
        self.defects.extend(found + more)
        if self.report is None:
            self.report = report

    def _message(self, part: Message, info: MimeInfo) -> None:
        blocks = [block for block in part.get_payload() if isinstance(block, Message)]
        if info.media_type == "message/delivery-status":
            # The parser reads each block of a delivery status as a header block.
            text = "\n\n".join(
                "\n".join(f"{k}: {v}" for k, v in block.raw_items()) for block in blocks
            )
            report, found = parse_delivery_status(decode_raw(text)[0])
            self.defects.extend(found)
            self.report = self.report or report
            return
        if not blocks:
            return
        inner = blocks[0]
        buffer = io.BytesIO()
        try:
            BytesGenerator(buffer, mangle_from_=False, policy=self.policy).flatten(inner)
        except Exception as error:  # noqa: BLE001  (the attachment is then empty, the raw kept)
            self.defects.append(f"attached message could not be re-encoded: {error!r:.80}")
        if not info.filename:
            subject = decoded_subject(first_header(inner, "subject"), self.first_charset)
            info.filename = f"{subject[:100]}.eml" if subject.strip() else ""
        self._attach(buffer.getvalue(), info, "message/rfc822")

    def _tnef(self, data: bytes, info: MimeInfo) -> None:
        content = tnef.extract(data)
        self.defects.extend(content.defects)
        if not content.files:
            self._attach(data, info)
        self.fallback_text = self.fallback_text or content.body
        for tnef_file in content.files:
            guessed = mimetypes.guess_type(tnef_file.filename)[0]
            self.attachments.append(
                ParsedAttachment(
                    filename=safe_filename(tnef_file.filename, "", len(self.attachments) + 1),
                    content_type=tnef_file.content_type or guessed or "application/octet-stream",
                    content=tnef_file.content,
                    content_id=tnef_file.content_id,
                )
            )

    def _attach(self, data: bytes, info: MimeInfo, media_type: str | None = None) -> None:
        media_type = media_type or info.media_type
        self.attachments.append(
            ParsedAttachment(
                filename=safe_filename(info.filename, media_type, len(self.attachments) + 1),
                content_type=media_type,
                content=data,
                content_id=info.content_id or None,
            )
        )
