import hashlib
import random
import struct
import zlib
from datetime import UTC, datetime

import pytest

from rapport.demo import files
from rapport.tickets.attachments import stored_content_type


def decode_png(data: bytes) -> tuple[int, int, bytes]:
    """Width, height and raw scanlines of an 8-bit RGB PNG; checks every CRC."""
    assert data[:8] == files.PNG_SIGNATURE
    pos, chunks = 8, {}
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        tag, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        assert crc == zlib.crc32(tag + body) & 0xFFFFFFFF, tag
        chunks[tag] = chunks.get(tag, b"") + body
        pos += 12 + length
    width, height, depth, colour, *_ = struct.unpack(">IIBBBBB", chunks[b"IHDR"])
    assert (depth, colour) == (8, 2)
    assert b"IEND" in chunks
    return width, height, zlib.decompress(chunks[b"IDAT"])


@pytest.mark.parametrize("make", [files.parcel_photo, files.device_photo, files.error_screenshot])
def test_images_are_valid_pngs_with_varied_pixels(make):
    png = make(random.Random(7))
    width, height, raw = decode_png(png)
    assert len(raw) == height * (1 + 3 * width)
    rows = [raw[y * (1 + 3 * width) + 1:(y + 1) * (1 + 3 * width)] for y in range(height)]
    assert all(raw[y * (1 + 3 * width)] == 0 for y in range(height))  # filter: none
    colours = {row[x:x + 3] for row in rows for x in range(0, len(row), 3)}
    assert len(colours) >= 4  # a picture, not a blank square
    assert stored_content_type("application/octet-stream", png) == "image/png"


def test_same_seed_same_image_other_seed_other_image():
    assert files.parcel_photo(random.Random(1)) == files.parcel_photo(random.Random(1))
    assert files.parcel_photo(random.Random(1)) != files.parcel_photo(random.Random(2))


def test_encode_png_refuses_a_short_row():
    with pytest.raises(ValueError, match="expected 6"):
        files.encode_png(2, 2, lambda y: b"\x00\x00\x00")


def test_statement_lists_the_same_charge_twice():
    text = files.bank_statement_csv("NP-123456", "49.90", datetime(2026, 3, 2, tzinfo=UTC),
                                    "4242").decode()
    lines = text.strip().splitlines()
    assert lines[0] == "date,description,card,amount,currency"
    assert len(lines) == 3
    assert all("NP-123456" in line and "-49.90" in line for line in lines[1:])


@pytest.mark.parametrize(("kind", "suffix", "content_type"), [
    ("parcel_photo", ".png", "image/png"), ("device_photo", ".png", "image/png"),
    ("screenshot", ".png", "image/png"), ("statement", ".csv", "text/csv"),
    ("log", ".txt", "text/plain"), ("invoice", ".csv", "text/csv"),
])
def test_make_file_kinds(kind, suffix, content_type):
    ctx = {"order": "NP-654321", "amount_plain": "12.90", "last4": "1234", "error": "CHK-502",
           "product": "Fjord wool sweater"}
    made = files.make_file(kind, random.Random(3), ctx, datetime(2026, 3, 2, tzinfo=UTC))
    assert made.filename.endswith(suffix)
    assert stored_content_type(made.declared_type, made.content) == content_type
    assert made.content
    assert hashlib.sha256(made.content).hexdigest()


def test_make_file_rejects_unknown_kind():
    with pytest.raises(ValueError, match="unknown demo file kind"):
        files.make_file("video", random.Random(1), {"order": "NP-1"}, datetime.now(UTC))
