"""Small, real attachment files made in memory, so the repository holds no binaries.

The images are genuine PNGs (zlib + struct, no imaging library): a parcel photo, a
device photo and an error screenshot, each varied by a seeded random generator.
"""

import random
import struct
import zlib
from collections.abc import Callable
from datetime import datetime

from rapport.tickets.attachments import IncomingFile

Pixel = tuple[int, int, int]
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _chunk(tag: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(tag + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", crc)


def encode_png(width: int, height: int, row: Callable[[int], bytes]) -> bytes:
    """An 8-bit RGB PNG whose row y holds the width * 3 bytes row(y)."""
    raw = bytearray()
    for y in range(height):
        line = row(y)
        if len(line) != width * 3:
            raise ValueError(f"row {y} has {len(line)} bytes, expected {width * 3}")
        raw.append(0)  # filter type: none
        raw.extend(line)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        PNG_SIGNATURE
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(bytes(raw), 9))
        + _chunk(b"IEND", b"")
    )


def _shade(colour: Pixel, delta: int) -> bytes:
    return bytes(max(0, min(255, c + delta)) for c in colour)


def _segments(width: int, spans: list[tuple[int, bytes]]) -> bytes:
    """A row painted left to right: each (x, rgb) colours from x to the next span's x."""
    spans = sorted((max(0, min(width, x)), rgb) for x, rgb in spans)
    out = bytearray()
    for (x, rgb), (next_x, _rgb) in zip(spans, [*spans[1:], (width, b"")], strict=True):
        out.extend(rgb * max(0, next_x - x))
    return bytes(out)


def parcel_photo(rng: random.Random, width: int = 120, height: int = 90) -> bytes:
    """A cardboard box on a grey floor, with a tape stripe and a crushed corner."""
    box: Pixel = (rng.randint(150, 185), rng.randint(105, 130), rng.randint(60, 80))
    left, top = rng.randint(15, 30), rng.randint(15, 25)
    right, bottom = width - rng.randint(15, 30), height - rng.randint(10, 20)
    tape_y, dent = (top + bottom) // 2, rng.randint(18, 30)
    # Per-row brightness jitter reads as cardboard grain.
    grain = [rng.randint(-9, 9) for _ in range(height)]

    def row(y: int) -> bytes:
        floor = _shade((120, 122, 128), grain[y] // 3)
        if not top <= y <= bottom:
            return floor * width
        face = (205, 190, 150) if abs(y - tape_y) <= 3 else box
        spans = [(0, floor), (left, _shade(face, grain[y])), (right + 1, floor)]
        crushed = dent - (y - top)
        if crushed > 0:
            spans.append((right + 1 - crushed, _shade(box, -55 + grain[y])))
        return _segments(width, spans)

    return encode_png(width, height, row)


def device_photo(rng: random.Random, width: int = 120, height: int = 90) -> bytes:
    """A dark device on a light table, with a crack running across its screen."""
    body = _shade((45, 45, 45), rng.randint(-15, 15))
    table = _shade((225, 222, 215), rng.randint(-10, 10))
    screen = _shade((40, 70, 110), rng.randint(-10, 10))
    slope, start = rng.uniform(0.6, 1.6), rng.randint(40, 70)

    def row(y: int) -> bytes:
        if not 12 <= y <= height - 12:
            return table * width
        spans = [(0, table), (30, body), (width - 29, table)]
        if 16 <= y <= height - 16:
            spans.append((34, screen))
            spans.append((width - 33, body))
            crack = int(start + slope * (y - 16)) % (width - 70) + 35
            spans.append((crack, b"\xeb\xeb\xf0"))
            spans.append((crack + 1, screen))
        return _segments(width, spans)

    return encode_png(width, height, row)


def error_screenshot(rng: random.Random, width: int = 160, height: int = 100) -> bytes:
    """A web page with a dark header, a red error banner and grey lines of text."""
    banner_bottom, line_gap = rng.randint(24, 32), rng.choice((8, 9, 10))
    line_ends = [width - rng.randint(12, 70) for _ in range(height)]
    white, grey = b"\xff\xff\xff", b"\xbe\xc1\xc5"

    def row(y: int) -> bytes:
        if y < 8:
            return b"\x34\x3a\x40" * width
        if 12 <= y <= banner_bottom:
            return _segments(width, [(0, white), (8, b"\xdc\x35\x45"), (width - 8, white)])
        if y > banner_bottom + 6 and (y - banner_bottom) % line_gap < 3:
            return _segments(width, [(0, white), (12, grey), (line_ends[y], white)])
        return white * width

    return encode_png(width, height, row)


def bank_statement_csv(order: str, amount: str, charged_on: datetime, last4: str) -> bytes:
    """Two identical card charges: what a double-charged customer sends."""
    day = charged_on.date().isoformat()
    rows = ["date,description,card,amount,currency"]
    for minute in ("10:41", "10:42"):
        rows.append(f"{day} {minute},NORTHWIND PARCEL {order},*{last4},-{amount},EUR")
    return ("\n".join(rows) + "\n").encode()


def checkout_log(error: str, order: str, at: datetime) -> bytes:
    stamp = at.strftime("%Y-%m-%dT%H:%M:%SZ")
    lines = [
        f"{stamp} INFO  checkout: cart submitted, order draft {order}",
        f"{stamp} INFO  payment: 3-D Secure challenge opened",
        f"{stamp} WARN  payment: challenge window closed by browser",
        f"{stamp} ERROR checkout: {error} payment session expired",
    ]
    return ("\n".join(lines) + "\n").encode()


def invoice_csv(order: str, product: str, amount: str, issued: datetime) -> bytes:
    rows = [
        "invoice,order,issued,item,quantity,total,currency",
        f"INV-{order[3:]},{order},{issued.date().isoformat()},\"{product}\",1,{amount},EUR",
    ]
    return ("\n".join(rows) + "\n").encode()


def make_file(kind: str, rng: random.Random, ctx: dict[str, str], at: datetime) -> IncomingFile:
    """One attachment of the named kind, with a name a customer or agent would give it."""
    order = ctx["order"]
    if kind == "parcel_photo":
        return IncomingFile(f"parcel-{order}.png", parcel_photo(rng), "image/png")
    if kind == "device_photo":
        return IncomingFile(f"photo-{rng.randint(1000, 9999)}.png", device_photo(rng), "image/png")
    if kind == "screenshot":
        return IncomingFile("screenshot.png", error_screenshot(rng), "image/png")
    if kind == "statement":
        content = bank_statement_csv(order, ctx["amount_plain"], at, ctx["last4"])
        return IncomingFile("card-statement.csv", content, "text/csv")
    if kind == "log":
        return IncomingFile("checkout-console.txt", checkout_log(ctx["error"], order, at),
                            "text/plain")
    if kind == "invoice":
        content = invoice_csv(order, ctx["product"], ctx["amount_plain"], at)
        return IncomingFile(f"invoice-{order}.csv", content, "text/csv")
    raise ValueError(f"unknown demo file kind: {kind}")
