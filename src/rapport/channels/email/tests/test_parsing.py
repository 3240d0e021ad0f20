"""parse_message as a whole: headers, threading ids, limits, hostile input, the raw bytes."""

import hashlib
import random
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from rapport.channels.email.limits import MessageTooLarge, ParseLimits
from rapport.channels.email.parsing import parse_message

EML = Path(__file__).parent / "fixtures" / "eml"


def fixture(name: str) -> bytes:
    return (EML / name).read_bytes()


def simple(headers: str, body: str = "Hello.\r\n") -> bytes:
    base = "From: a@example.com\r\nTo: b@example.com\r\nMessage-ID: <m@example.com>\r\n"
    return (base + headers + "\r\n" + body).encode("utf-8", "surrogateescape")


def test_threading_headers_and_recipients():
    parsed = parse_message(fixture("en_reply_threaded.eml"))
    assert parsed.message_id == "reply.2@mail.example.com"
    assert parsed.in_reply_to == "ticket-1042.abc@rapport.example"
    assert parsed.references == ["CAF=plain.1@mail.example.com", "ticket-1042.abc@rapport.example"]
    assert [(a.address, a.name) for a in parsed.to] == [
        ("support@rapport.example", "Rapport Support"),
        ("bob@example.com", "Bob (IT)"),
    ]
    assert [a.address for a in parsed.cc] == ["carol@example.com", "dave@example.com"]
    assert [a.address for a in parsed.reply_to] == ["helpdesk-replies@example.com"]
    assert parsed.date == datetime(2026, 11, 24, 15, 30, tzinfo=UTC)
    assert parsed.date.utcoffset() == timedelta(hours=-5)


def test_flowed_text_is_joined_but_quotes_and_signature_lines_stay():
    text = parse_message(fixture("en_reply_threaded.eml")).text
    assert "> On Monday you wrote:\n> We will send someone today." in text
    assert text.endswith("\n\nAlice")


def test_date_without_zone_is_utc_and_bad_date_is_none():
    assert parse_message(simple("Date: Mon, 23 Nov 2026 10:00:00 -0000\r\n")).date == datetime(
        2026, 11, 23, 10, tzinfo=UTC
    )
    parsed = parse_message(simple("Date: yesterday-ish\r\n"))
    assert parsed.date is None
    assert any("invalid Date header" in d for d in parsed.defects)


def test_selected_headers_for_the_filters():
    parsed = parse_message(fixture("auto_submitted_en.eml"))
    assert parsed.header("Auto-Submitted") == "auto-replied"
    assert parsed.header("x-auto-response-suppress") == "All"
    assert parse_message(fixture("x_autoreply_ru.eml")).header("x-autoreply") == "yes"
    assert parse_message(fixture("precedence_bulk.eml")).header("precedence") == "bulk"
    assert parse_message(fixture("list_id.eml")).header("list-id") == (
        "Developers list <dev-list.lists.example>"
    )
    plain = parse_message(fixture("en_plain.eml"))
    assert plain.header("received") is None  # not selected
    assert plain.header("content-type") == 'text/plain; charset="us-ascii"'


def test_idn_domains_normalised_to_one_form():
    parsed = parse_message(fixture("idn_sender.eml"))
    assert parsed.from_address == "Info@пример.рф"
    assert [a.address for a in parsed.to] == ["support@rapport.example", "mueller@bücher.example"]
    assert parsed.message_id == "idn.1@xn--e1afmkfd.xn--p1ai"  # ids are kept as written


def test_raw_bytes_are_never_modified():
    for name in ("too_deep.eml", "ru_8bit_no_cte_backslashes.eml", "tnef_winmail.eml"):
        raw = fixture(name)
        digest = hashlib.sha256(raw).hexdigest()
        parse_message(raw, limits=ParseLimits(max_depth=2, max_parts=3, max_header_chars=20))
        assert hashlib.sha256(raw).hexdigest() == digest


def test_8bit_attachment_without_transfer_encoding_keeps_every_byte():
    parsed = parse_message(fixture("en_8bit_attachment_no_cte.eml"))
    expected = (
        b"2026-11-23 09:00:01 ERROR C:\\Program Files\\App\\app.exe \\x00\\\\n\r\n"
        + bytes(range(128, 256))
        + b"\r\n\\\\server\\share\r\n"
    )
    assert parsed.attachments[0].content == expected


def test_too_large_raises_before_parsing():
    with pytest.raises(MessageTooLarge) as error:
        parse_message(b"x" * 101, limits=ParseLimits(max_bytes=100))
    assert error.value.code == "message_too_large"
    assert error.value.details == {"size": 101, "limit": 100}
    assert parse_message(b"x" * 100, limits=ParseLimits(max_bytes=100)).raw_size == 100


def test_depth_limit_keeps_the_outer_parts():
    parsed = parse_message(
        fixture("nested_mixed_related_alternative.eml"), limits=ParseLimits(max_depth=1)
    )
    assert [a.filename for a in parsed.attachments] == ["attachment-1.bin", "invoice.pdf"]
    assert any("MIME nesting deeper than 1" in d for d in parsed.defects)


def test_part_limit_stops_reading_and_says_so():
    parts = "".join(
        f"--b\r\nContent-Type: application/octet-stream\r\n"
        f'Content-Disposition: attachment; filename="f{i}.bin"\r\n\r\n{i}\r\n'
        for i in range(2000)
    )
    raw = simple('Content-Type: multipart/mixed; boundary="b"\r\n', parts + "--b--\r\n")
    started = time.perf_counter()
    parsed = parse_message(raw, limits=ParseLimits(max_parts=50))
    assert time.perf_counter() - started < 1
    assert len(parsed.attachments) == 49  # the top multipart counts as a part
    assert parsed.attachments[-1].filename == "f48.bin"
    assert any("more than 50 MIME parts" in d for d in parsed.defects)


@pytest.mark.parametrize(
    "param", ['boundary="{}"', "boundary*=utf-8''{}", 'boundary*0="{}"', "BOUNDARY = {}"]
)
def test_very_deep_nesting_is_cut_without_recursion_error(param: str):
    """However the boundary parameter is written, the nesting is seen and cut."""
    opening = "".join(
        f"--d{i}\r\nContent-Type: multipart/mixed; {param.format(f'd{i + 1}')}\r\n\r\n"
        for i in range(3000)
    )
    raw = simple(f"Content-Type: multipart/mixed; {param.format('d0')}\r\n", opening + "--e\r\n")
    started = time.perf_counter()
    parsed = parse_message(raw)
    assert time.perf_counter() - started < 1
    assert any("MIME nesting deeper than 20" in d for d in parsed.defects)


def test_header_limits():
    long_subject = "Subject: " + "word " * 10_000 + "\r\n"
    parsed = parse_message(simple(long_subject), limits=ParseLimits(max_header_chars=1000))
    assert len(parsed.subject) <= 1000
    assert "header Subject longer than the limit; truncated" in parsed.defects
    many = "".join(f"X-Custom-{i}: {i}\r\n" for i in range(50))
    parsed = parse_message(simple(many), limits=ParseLimits(max_headers=20))
    assert "more than 20 headers; the rest ignored" in parsed.defects
    assert parsed.header("x-custom-10") == "10"
    assert parsed.header("x-custom-40") is None


HOSTILE_HEADERS = {
    "nested comments in From": "From: " + "(" * 100_000 + "a@b.example" + ")" * 100_000,
    "encoded-words": "Subject: " + "=?utf-8?q?a?= " * 20_000,
    "bare =? runs": "Subject: " + "=?" * 100_000,
    "unclosed encoded-words": "Subject: " + "=?utf-8?b?" * 20_000,
    "thousands of addresses": "To: "
    + ", ".join(f"User {i} <u{i}@x.example>" for i in range(20_000)),
    "quotes in Content-Type": 'Content-Type: multipart/mixed; boundary="' + '"' * 200_000,
    "semicolons in Content-Type": 'Content-Type: text/plain; a="b;c"' * 20_000,
    "RFC 2231 sections": "Content-Disposition: attachment"
    + "".join(f"; filename*{i}*=%41" for i in range(20_000)),
    "angle brackets in References": "References: " + "<" * 100_000 + ">" * 100_000,
    "quoted strings in Reply-To": "Reply-To: " + '"\\' * 100_000,
    "long Date": "Date: " + "Mon, " * 40_000,
    "a thousand 8-bit X- headers": "\r\n".join(
        f"X-Junk-{i}: " + "\udcff\udcfe\udcc0" * 300 for i in range(1000)
    ),
    "folded lines": "Subject: x" + "\r\n =?utf-8?b?0J/RgNC4?=" * 20_000,
}


@pytest.mark.parametrize("header", HOSTILE_HEADERS.values(), ids=HOSTILE_HEADERS.keys())
def test_hostile_header_is_parsed_within_a_second(header: str):
    raw = (header + "\r\nContent-Type: text/plain\r\n\r\nbody\r\n").encode(
        "utf-8", "surrogateescape"
    )
    started = time.perf_counter()
    parsed = parse_message(raw)
    assert time.perf_counter() - started < 1
    assert parsed.raw_size == len(raw)


def test_mangled_corpus_never_raises():
    """Every fixture cut short and with bytes flipped still parses, with defects."""
    rng = random.Random(20261123)
    for path in sorted(EML.glob("*.eml")):
        raw = path.read_bytes()
        variants = [raw[: len(raw) // 2], raw[: len(raw) // 3], raw.replace(b"\r\n", b"\r")]
        for _ in range(3):
            mangled = bytearray(raw)
            for _ in range(max(1, len(raw) // 50)):
                mangled[rng.randrange(len(mangled))] = rng.randrange(256)
            variants.append(bytes(mangled))
        for variant in variants:
            parsed = parse_message(variant)
            assert parsed.raw_size == len(variant)
            assert not any("re-encoded" in d for d in parsed.defects)


def test_garbage_input_returns_a_message():
    for raw in (b"", b"\x00\xff" * 100, b"\r\n\r\n\r\n", b":::\r\n\r\n", b"--\r\n--\r\n"):
        parsed = parse_message(raw)
        assert parsed.from_address is None
        assert parsed.text == "" or isinstance(parsed.text, str)


def test_subject_offsets_keep_timezones():
    parsed = parse_message(simple("Date: Tue, 24 Nov 2026 08:00:00 +0800\r\n"))
    assert parsed.date is not None
    assert parsed.date.tzinfo == timezone(timedelta(hours=8))
