"""The files inside a TNEF stream (winmail.dat, application/ms-tnef), per [MS-OXTNEF].

Outlook wraps attachments in TNEF when it sends "rich text" mail; without this the
customer's files arrive as one opaque winmail.dat. Only what a help desk needs is
read: the attachments (title, data, and from the attAttachment property list the long
filename, MIME type and content id) and the plain-text body. Every length is checked
against the stream, so a damaged stream yields what could be read plus defects.
"""

import struct
from collections.abc import Iterator
from dataclasses import dataclass, field

SIGNATURE = 0x223E9F78
LEVEL_MESSAGE = 0x01
LEVEL_ATTACHMENT = 0x02
ATT_BODY = 0x0002800C
ATT_OEM_CODEPAGE = 0x00069007
ATT_ATTACH_REND_DATA = 0x00069002
ATT_ATTACH_TITLE = 0x00018010
ATT_ATTACH_DATA = 0x0006800F
ATT_ATTACHMENT = 0x00069005

PR_ATTACH_DATA_BIN = 0x3701
PR_ATTACH_FILENAME = 0x3704
PR_ATTACH_LONG_FILENAME = 0x3707
PR_ATTACH_MIME_TAG = 0x370E
PR_ATTACH_CONTENT_ID = 0x3712
PR_DISPLAY_NAME = 0x3001

PT_STRING8 = 0x001E
PT_UNICODE = 0x001F
PT_BINARY = 0x0102
PT_OBJECT = 0x000D
MV_FLAG = 0x1000
_VARIABLE_TYPES = {PT_STRING8, PT_UNICODE, PT_BINARY, PT_OBJECT}
# Fixed-size property values as stored in TNEF: 16-bit ones are padded to 4 bytes.
_FIXED_SIZES = {
    0x0001: 4,
    0x0002: 4,
    0x0003: 4,
    0x0004: 4,
    0x0005: 8,
    0x0006: 8,
    0x0007: 8,
    0x000A: 4,
    0x000B: 4,
    0x0014: 8,
    0x0040: 8,
    0x0048: 16,
}
MAX_FILES = 100
MAX_PROPERTIES = 2_000


class _Truncated(Exception):
    pass


@dataclass(frozen=True)
class TnefFile:
    filename: str
    content: bytes
    content_type: str | None = None
    content_id: str | None = None


@dataclass
class TnefContent:
    files: list[TnefFile] = field(default_factory=list)
    body: str = ""
    defects: list[str] = field(default_factory=list)


@dataclass
class _Attachment:
    title: str = ""
    data: bytes | None = None
    props: dict[int, str | bytes] = field(default_factory=dict)


def is_tnef(data: bytes) -> bool:
    return len(data) >= 6 and struct.unpack_from("<I", data)[0] == SIGNATURE


def extract(data: bytes) -> TnefContent:
    result = TnefContent()
    if not is_tnef(data):
        result.defects.append("TNEF: no TNEF signature")
        return result
    codepage = "cp1252"
    attachments: list[_Attachment] = []
    for level, attribute, payload in _attributes(data, result.defects):
        if attribute == ATT_OEM_CODEPAGE and len(payload) >= 4:
            codepage = _codepage(struct.unpack_from("<I", payload)[0])
        elif attribute == ATT_BODY and level == LEVEL_MESSAGE:
            result.body = payload.rstrip(b"\0").decode(codepage, "replace")
        elif attribute == ATT_ATTACH_REND_DATA:
            attachments.append(_Attachment())
        elif level == LEVEL_ATTACHMENT and attachments:
            _read_attachment_attribute(attachments[-1], attribute, payload, codepage, result)
    for attachment in attachments[:MAX_FILES]:
        tnef_file = _to_file(attachment, len(result.files) + 1)
        if tnef_file is None:
            result.defects.append(f"TNEF: attachment {attachment.title!r} has no data")
        else:
            result.files.append(tnef_file)
    if len(attachments) > MAX_FILES:
        result.defects.append(f"TNEF: more than {MAX_FILES} attachments; the rest ignored")
    return result


def _attributes(data: bytes, defects: list[str]) -> Iterator[tuple[int, int, bytes]]:
    """(level, attribute id, payload) for each attribute; stops at a damaged one."""
    position = 6
    while position < len(data):
        if position + 9 > len(data):
            defects.append("TNEF: stream ends inside an attribute header")
            return
        level = data[position]
        attribute, length = struct.unpack_from("<II", data, position + 1)
        start, end = position + 9, position + 9 + length
        if end + 2 > len(data):
            defects.append("TNEF: attribute longer than the stream")
            return
        payload = data[start:end]
        (checksum,) = struct.unpack_from("<H", data, end)
        if sum(payload) & 0xFFFF != checksum:
            defects.append(f"TNEF: bad checksum on attribute {attribute:#010x}")
        yield level, attribute, payload
        position = end + 2


def _read_attachment_attribute(
    attachment: _Attachment, attribute: int, payload: bytes, codepage: str, result: TnefContent
) -> None:
    if attribute == ATT_ATTACH_TITLE:
        attachment.title = payload.split(b"\0", 1)[0].decode(codepage, "replace")
    elif attribute == ATT_ATTACH_DATA:
        attachment.data = payload
    elif attribute == ATT_ATTACHMENT:
        try:
            attachment.props = _properties(payload, codepage)
        except (_Truncated, struct.error):
            result.defects.append("TNEF: damaged attachment property list")


def _to_file(attachment: _Attachment, number: int) -> TnefFile | None:
    props = attachment.props
    data = attachment.data
    if data is None and isinstance(embedded := props.get(PR_ATTACH_DATA_BIN), bytes):
        data = embedded
    if data is None:
        return None
    name = next(
        (
            v
            for k in (PR_ATTACH_LONG_FILENAME, PR_DISPLAY_NAME, PR_ATTACH_FILENAME)
            if isinstance(v := props.get(k), str) and v.strip()
        ),
        attachment.title or f"attachment-{number}",
    )
    mime = props.get(PR_ATTACH_MIME_TAG)
    cid = props.get(PR_ATTACH_CONTENT_ID)
    return TnefFile(
        filename=name,
        content=data,
        content_type=mime.strip().lower() if isinstance(mime, str) and mime.strip() else None,
        content_id=cid.strip().strip("<>") if isinstance(cid, str) and cid.strip() else None,
    )


def _properties(data: bytes, codepage: str) -> dict[int, str | bytes]:
    """The first value of each property of a MAPI property list."""
    reader = _Reader(data)
    props: dict[int, str | bytes] = {}
    for _ in range(min(reader.u32(), MAX_PROPERTIES)):
        prop_type, prop_id = reader.u16(), reader.u16()
        if prop_id >= 0x8000:
            _skip_name(reader)
        base = prop_type & ~MV_FLAG
        count = reader.u32() if prop_type & MV_FLAG or base in _VARIABLE_TYPES else 1
        values = [_value(reader, base, codepage) for _ in range(min(count, MAX_PROPERTIES))]
        if values and prop_id not in props:
            props[prop_id] = values[0]
    return props


def _skip_name(reader: "_Reader") -> None:
    """A named property's GUID and name, which we do not need."""
    reader.take(16)
    if reader.u32() == 0:
        reader.take(4)
    else:
        reader.take_padded(reader.u32())


def _value(reader: "_Reader", base: int, codepage: str) -> str | bytes:
    if base not in _VARIABLE_TYPES:
        if base not in _FIXED_SIZES:
            raise _Truncated(f"unknown property type {base:#06x}")
        return reader.take(_FIXED_SIZES[base])
    raw = reader.take_padded(reader.u32())
    if base == PT_UNICODE:
        return raw.decode("utf-16-le", "replace").split("\0", 1)[0]
    if base == PT_STRING8:
        return raw.split(b"\0", 1)[0].decode(codepage, "replace")
    return raw


def _codepage(number: int) -> str:
    name = "utf-8" if number == 65001 else f"cp{number}"
    try:
        b"".decode(name)
    except LookupError:
        return "cp1252"
    return name


class _Reader:
    def __init__(self, data: bytes):
        self.data = data
        self.position = 0

    def take(self, size: int) -> bytes:
        end = self.position + size
        if size < 0 or end > len(self.data):
            raise _Truncated("property list ends early")
        chunk = self.data[self.position : end]
        self.position = end
        return chunk

    def take_padded(self, size: int) -> bytes:
        chunk = self.take(size)
        self.take(-size % 4)
        return chunk

    def u16(self) -> int:
        return int(struct.unpack("<H", self.take(2))[0])

    def u32(self) -> int:
        return int(struct.unpack("<I", self.take(4))[0])
