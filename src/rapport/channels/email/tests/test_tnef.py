"""winmail.dat: the files inside come out; a damaged stream gives what it can, never an error."""

import base64
import re
import struct
from pathlib import Path

from rapport.channels.email import tnef
from rapport.channels.email.parsing import parse_message

EML = Path(__file__).parent / "fixtures" / "eml"


def stream_from_fixture() -> bytes:
    raw = (EML / "tnef_winmail.eml").read_bytes()
    encoded = raw.split(b'filename="winmail.dat"\r\n\r\n', 1)[1].split(b"\r\n--", 1)[0]
    return base64.b64decode(encoded)


def attribute(level: int, attribute_id: int, data: bytes, checksum: int | None = None) -> bytes:
    total = sum(data) & 0xFFFF if checksum is None else checksum
    return struct.pack("<BII", level, attribute_id, len(data)) + data + struct.pack("<H", total)


HEADER = struct.pack("<IH", tnef.SIGNATURE, 1)


def test_fixture_expands_into_its_files():
    content = tnef.extract(stream_from_fixture())
    assert content.defects == []
    assert content.body == "Please see the two files attached.\r\n"
    notes, report = content.files
    assert (notes.filename, notes.content_type) == ("NOTES.TXT", None)
    assert notes.content == b"Meeting notes: call the customer back on Friday.\r\n"
    assert (report.filename, report.content_type) == ("Отчёт за ноябрь.pdf", "application/pdf")
    assert report.content.startswith(b"%PDF-1.4")


def test_parsed_message_lists_the_files_instead_of_winmail_dat():
    parsed = parse_message((EML / "tnef_winmail.eml").read_bytes())
    assert [(a.filename, a.content_type) for a in parsed.attachments] == [
        ("NOTES.TXT", "text/plain"),
        ("Отчёт за ноябрь.pdf", "application/pdf"),
    ]


def test_truncated_stream_keeps_the_complete_attachments():
    stream = stream_from_fixture()
    cut = stream[: stream.index(b"OTCHET~1.PDF") + 40]  # inside the data attribute
    content = tnef.extract(cut)
    assert [f.filename for f in content.files] == ["NOTES.TXT"]
    assert "TNEF: attribute longer than the stream" in content.defects
    assert "TNEF: attachment 'OTCHET~1.PDF' has no data" in content.defects


def test_bad_checksum_is_reported_but_the_data_kept():
    stream = HEADER + attribute(2, tnef.ATT_ATTACH_REND_DATA, b"\0" * 14)
    stream += attribute(2, tnef.ATT_ATTACH_TITLE, b"A.TXT\0")
    stream += attribute(2, tnef.ATT_ATTACH_DATA, b"hello", checksum=1)
    content = tnef.extract(stream)
    assert [(f.filename, f.content) for f in content.files] == [("A.TXT", b"hello")]
    assert content.defects == [f"TNEF: bad checksum on attribute {tnef.ATT_ATTACH_DATA:#010x}"]


def test_damaged_property_list_falls_back_to_the_title():
    props = struct.pack("<I", 3) + struct.pack("<HH", 0x001F, 0x3707) + struct.pack("<II", 1, 999)
    stream = HEADER + attribute(2, tnef.ATT_ATTACH_REND_DATA, b"\0" * 14)
    stream += attribute(2, tnef.ATT_ATTACH_TITLE, b"SHORT.DOC\0")
    stream += attribute(2, tnef.ATT_ATTACH_DATA, b"data")
    stream += attribute(2, tnef.ATT_ATTACHMENT, props)
    content = tnef.extract(stream)
    assert [f.filename for f in content.files] == ["SHORT.DOC"]
    assert content.defects == ["TNEF: damaged attachment property list"]


def test_unknown_property_type_stops_reading_properties():
    props = struct.pack("<I", 2) + struct.pack("<HH", 0x0999, 0x1234) + b"\0" * 8
    stream = HEADER + attribute(2, tnef.ATT_ATTACH_REND_DATA, b"\0" * 14)
    stream += attribute(2, tnef.ATT_ATTACH_DATA, b"x")
    stream += attribute(2, tnef.ATT_ATTACHMENT, props)
    content = tnef.extract(stream)
    assert [f.filename for f in content.files] == ["attachment-1"]
    assert content.defects == ["TNEF: damaged attachment property list"]


def test_not_tnef_is_kept_as_the_original_attachment():
    raw = (
        b"From: a@example.com\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
        b"--b\r\nContent-Type: text/plain\r\n\r\nsee file\r\n"
        b"--b\r\nContent-Type: application/ms-tnef; name=winmail.dat\r\n\r\nnot tnef at all\r\n"
        b"--b--\r\n"
    )
    parsed = parse_message(raw)
    assert [(a.filename, a.content) for a in parsed.attachments] == [
        ("winmail.dat", b"not tnef at all")
    ]
    assert "TNEF: no TNEF signature" in parsed.defects


def test_garbage_after_signature_never_raises():
    for tail in (b"", b"\x01", b"\x02" + b"\xff" * 8, b"\x02" + struct.pack("<II", 0x9005, 2**31)):
        content = tnef.extract(HEADER + tail)
        assert content.files == []
        assert all(re.match("TNEF: ", d) for d in content.defects)
