"""One MIME leaf at a time: its declared type, its bytes, its text, its filename."""

import binascii
import mimetypes
import re
import unicodedata
from dataclasses import dataclass, field
from email.message import Message

from rapport.channels.email.charsets import decode_bytes
from rapport.channels.email.headertext import decode_raw, decode_words, parse_params, unfold

_MEDIA_TYPE_RE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$")
_BASE64_JUNK_RE = re.compile(rb"[^A-Za-z0-9+/]")
_NEWLINE_RE = re.compile(r"\r\n?")
_TEXT_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Path separators, controls and the bidi overrides that make "exe.pdf" read as "fdp.exe".
_UNSAFE_NAME_RE = re.compile(r"[\x00-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069]+")
_IDENTITY_ENCODINGS = {"", "7bit", "8bit", "binary"}
_EXTENSIONS = {
    "message/rfc822": ".eml",
    "text/rfc822-headers": ".txt",
    "message/delivery-status": ".txt",
    "text/plain": ".txt",
}
_UU_ENCODINGS = {"x-uuencode", "uuencode", "x-uue", "uue"}


@dataclass
class MimeInfo:
    """What a part's headers say about it."""

    media_type: str
    params: dict[str, str]
    disposition: str
    filename: str
    content_id: str
    transfer_encoding: str
    defects: list[str] = field(default_factory=list)

    @property
    def charset(self) -> str | None:
        return self.params.get("charset") or None

    @property
    def is_attachment(self) -> bool:
        return self.disposition == "attachment" or bool(self.filename)


def first_header(part: Message, name: str) -> str:
    value = part.get(name)
    return value if isinstance(value, str) else ""


def mime_info(part: Message, hint: str | None = None) -> MimeInfo:
    raw_type = first_header(part, "content-type")
    media_type, params, defects = parse_params(raw_type, hint)
    if not _MEDIA_TYPE_RE.match(media_type):
        if raw_type.strip():
            defects.append(f"invalid Content-Type {raw_type[:60]!r}")
        media_type = part.get_default_type()
    disposition, disp_params, found = parse_params(first_header(part, "content-disposition"), hint)
    defects.extend(found)
    filename = disp_params.get("filename") or params.get("name") or ""
    return MimeInfo(
        media_type=media_type,
        params=params,
        disposition=disposition,
        filename=filename,
        content_id=decode_raw(unfold(first_header(part, "content-id")))[0].strip("<> "),
        transfer_encoding=unfold(first_header(part, "content-transfer-encoding")).lower(),
        defects=defects,
    )


def payload_bytes(part: Message, info: MimeInfo) -> tuple[bytes, list[str]]:
    """The part's content with its transfer encoding undone; 8-bit bytes kept exactly."""
    encoding = info.transfer_encoding
    if encoding in ("base64", "quoted-printable"):
        # Encoded content is ASCII; stray 8-bit bytes in it are noise to drop. The
        # payload is read as stored: get_payload() would first re-decode 8-bit text
        # by its charset label (and raises for some labels).
        payload = getattr(part, "_payload", None)
        data = payload.encode("ascii", "ignore") if isinstance(payload, str) else b""
        return _base64(data) if encoding == "base64" else (binascii.a2b_qp(data), [])
    # For the other encodings the standard library hands back the bytes as read
    # (uuencode decoded); get_payload() without decode would reinterpret 8-bit text.
    decoded = part.get_payload(decode=True)
    data = decoded if isinstance(decoded, bytes) else b""
    if encoding not in _IDENTITY_ENCODINGS and encoding not in _UU_ENCODINGS:
        return data, [f"unknown Content-Transfer-Encoding {encoding[:30]!r}; kept as is"]
    return data, []


def _base64(data: bytes) -> tuple[bytes, list[str]]:
    cleaned = _BASE64_JUNK_RE.sub(b"", data.split(b"=", 1)[0] if b"=" in data else data)
    defects = []
    if len(cleaned) % 4 == 1:
        cleaned = cleaned[:-1]
        defects.append("base64 content with a stray character at the end")
    return binascii.a2b_base64(cleaned + b"=" * (-len(cleaned) % 4)), defects


def part_text(data: bytes, info: MimeInfo, charset: str | None = None) -> tuple[str, list[str]]:
    """Clean text of a text part: newlines normalised, controls removed, flowed text joined."""
    text, defects = decode_bytes(data, charset or info.charset)
    text = _TEXT_CONTROL_RE.sub("", _NEWLINE_RE.sub("\n", text))
    if info.params.get("format", "").lower() == "flowed":
        text = unflow(text, delsp=info.params.get("delsp", "").lower() == "yes")
    return text, defects


def unflow(text: str, *, delsp: bool) -> str:
    """RFC 3676: join soft-broken lines (ending in a space) back into paragraphs."""
    out: list[str] = []
    joining = False
    for line in text.split("\n"):
        quote = len(line) - len(line.lstrip(">"))
        body = line[quote:]
        if body.startswith(" "):
            body = body[1:]  # space-stuffing
        if body == "-- ":  # the signature separator is never flowed
            soft = False
        else:
            soft = body.endswith(" ")
            if soft and delsp:
                body = body[:-1]
        if joining:
            out[-1] += body
        else:
            out.append(">" * quote + (" " if quote and body else "") + body)
        joining = soft
    return "\n".join(out)


def safe_filename(name: str, media_type: str, number: int) -> str:
    """A filename safe to store and offer for download; invented from the type if needed."""
    name = unicodedata.normalize("NFC", name)
    name = re.split(r"[\\/]", name)[-1]
    name = _UNSAFE_NAME_RE.sub("", name).strip(" .")
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[:190] + dot + ext[:9]) if dot and len(ext) < 10 else name[:200]
    if name:
        return name
    extension = _EXTENSIONS.get(media_type) or mimetypes.guess_extension(media_type) or ".bin"
    return f"attachment-{number}{extension}"


def decoded_subject(raw: str, hint: str | None) -> str:
    return decode_words(raw, hint)[0] if raw else ""
