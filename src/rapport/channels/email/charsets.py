"""Turning the bytes of a mail part into text whatever its charset label claims.

Mail in the wild is labelled wrongly more often than one would hope: gb2312 text that
uses GBK or GB18030 characters, big5 with HKSCS characters, us-ascii parts full of
8-bit bytes, labels nobody has heard of. Each label maps to the widest codec that is
a superset of it, and every guess or replacement is reported as a defect so the
caller can show that the text may not be exactly what the sender typed.
"""

import codecs
import re

import charset_normalizer

# A label is read as the widest codec that is a compatible superset of it: mail
# clients routinely write GBK or GB18030 text under a gb2312 label, HKSCS under big5.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "big5": "big5hkscs",
    "iso8859-1": "cp1252",
    "euc_kr": "cp949",
    "shift_jis": "cp932",
    "iso8859-9": "cp1254",
    "tis-620": "cp874",
    "iso8859-11": "cp874",
}
# Labels seen in mail that Python's codec registry does not know under that name.
_EXTRA_ALIASES = {
    "x-gbk": "gb18030",
    "chinese": "gb18030",
    "gb_2312": "gb18030",
    "x-euc-cn": "gb18030",
    "x-x-big5": "big5hkscs",
    "cn-big5": "big5hkscs",
    "x-big5": "big5hkscs",
    "windows-874": "cp874",
    "iso-8859-8-i": "iso8859-8",
    "iso-8859-6-i": "iso8859-6",
    "x-mac-cyrillic": "mac-cyrillic",
    "x-mac-roman": "mac-roman",
    "x-koi8-r": "koi8-r",
    "x-sjis": "cp932",
    "ks_c_5601": "cp949",
    "x-cp1251": "cp1251",
    "unicode": "utf-16",
}
# Codecs a charset label must never select: they are transformations, not charsets
# (unicode-escape would turn every backslash in a Windows path into an escape).
_FORBIDDEN = {"unicode-escape", "raw-unicode-escape", "undefined", "idna", "punycode"}
# Codecs whose ASCII bytes do not mean ASCII, so even pure-ASCII data needs them.
_ASCII_INCOMPATIBLE = {
    "utf-7",
    "utf-16",
    "utf-16-le",
    "utf-16-be",
    "utf-32",
    "utf-32-le",
    "utf-32-be",
    "hz",
    "iso2022_jp",
    "iso2022_jp_2",
    "iso2022_kr",
}
# What an unlabelled or wrongly labelled part is guessed among: the charsets our
# customers write in (Cyrillic, Chinese, Serbian Latin, Western) and a few neighbours.
GUESS_CANDIDATES = [
    "utf_8",
    "cp1251",
    "koi8_r",
    "iso8859_5",
    "gb18030",
    "big5hkscs",
    "cp1250",
    "iso8859_2",
    "cp1252",
    "cp932",
    "cp949",
]
_GUESS_SAMPLE = 64 * 1024
_LABEL_RE = re.compile(r"[^a-z0-9._:+-]")


def clean_label(label: str | None) -> str:
    """The label as written, lowercased and cut to something printable and short."""
    if not label:
        return ""
    return _LABEL_RE.sub("", label.strip().strip("\"'").lower())[:40]


def resolve_charset(label: str | None) -> str | None:
    """The Python codec to decode a labelled part with, or None for an unknown label."""
    name = clean_label(label)
    if not name:
        return None
    name = _EXTRA_ALIASES.get(name, name)
    for candidate in (name, name.replace("_", "-")):
        codec = _lookup(candidate)
        if codec:
            return _SUPERSETS.get(codec, codec)
    return None


def _lookup(label: str) -> str | None:
    try:
        info = codecs.lookup(label)
    except LookupError:
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in _FORBIDDEN:
        return None
    return info.name


def guess_codec(data: bytes) -> str | None:
    """The most plausible codec among GUESS_CANDIDATES, or None."""
    best = charset_normalizer.from_bytes(data[:_GUESS_SAMPLE], cp_isolation=GUESS_CANDIDATES)
    match = best.best()
    return _lookup(match.encoding) if match else None


def decode_bytes(data: bytes, label: str | None) -> tuple[str, list[str]]:
    """Text for data labelled with label, plus defects saying what had to be guessed."""
    name = clean_label(label)
    codec = resolve_charset(name)
    if codec in _ASCII_INCOMPATIBLE or not data.isascii():
        text, defects = _decode_8bit(data, name, codec)
    else:
        text, defects = data.decode("ascii"), []
        if name and codec is None:
            defects.append(f"unknown charset {name!r} on ASCII text")
    return text.removeprefix("\ufeff"), defects


def _decode_8bit(data: bytes, name: str, codec: str | None) -> tuple[str, list[str]]:
    if codec is None or codec == "ascii":
        return _decode_unlabelled(data, name)
    declared = _lookup(_EXTRA_ALIASES.get(name, name)) or codec
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        if declared != codec and _decodes(data, declared):
            return data.decode(declared), []
        return _decode_invalid(data, name, codec)
    if declared != codec and not _decodes(data, declared):
        return text, [f"charset {name} decoded as {codec}"]
    return text, []


def _decode_unlabelled(data: bytes, name: str) -> tuple[str, list[str]]:
    if not name:
        what = "8-bit text without charset"
    elif _lookup(name) == "ascii":
        what = f"8-bit text labelled {name}"
    else:
        what = f"unknown charset {name!r}"
    if _decodes(data, "utf-8"):
        return data.decode("utf-8"), [f"{what} decoded as utf-8"]
    guessed = guess_codec(data)
    if guessed:
        return data.decode(guessed, "replace"), [f"{what} guessed as {guessed}"]
    return data.decode("utf-8", "replace"), [f"{what} decoded as utf-8 with replacement"]


def _decode_invalid(data: bytes, name: str, codec: str) -> tuple[str, list[str]]:
    if codec != "utf-8" and _decodes(data, "utf-8"):
        return data.decode("utf-8"), [f"charset {name} does not fit the text; decoded as utf-8"]
    return data.decode(codec, "replace"), [f"invalid {name} bytes replaced"]


def _decodes(data: bytes, codec: str) -> bool:
    try:
        data.decode(codec)
    except UnicodeDecodeError:
        return False
    return True
