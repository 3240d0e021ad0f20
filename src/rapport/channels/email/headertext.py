"""Header text: unfolding, RFC 2047 encoded-words and RFC 2231 / MIME parameters.

Written against hostile input: every pattern here is linear in the length of the
header (no nested quantifiers, character classes that exclude their own delimiter),
because the standard library's header parsers take seconds to minutes on a crafted
200,000-character header.
"""

import binascii
import re
from urllib.parse import unquote_to_bytes

from rapport.channels.email.charsets import decode_bytes, resolve_charset

_SURROGATE_RE = re.compile("[\udc80-\udcff]")
_FOLD_RE = re.compile(r"\r?\n(?=[ \t])")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]+")
# charset, optional RFC 2231 language, encoding, text; none may contain "?" or space.
_WORD_RE = re.compile(r"=\?([^?\s*]{1,60})(?:\*[^?\s]{0,20})?\?([bBqQ])\?([^?\s]*)\?=")
_PARAM_TOKEN_RE = re.compile(r'"(?:[^"\\]|\\.)*"?|;|[^";]+', re.S)
_SECTION_RE = re.compile(r"^([^*]+)\*(?:(\d{1,3})\*?)?$")
MAX_PARAMS = 64
MAX_SECTIONS = 100


def unfold(value: str) -> str:
    """One logical line: folding removed, stray line breaks and controls made spaces."""
    return _CONTROL_RE.sub(" ", _FOLD_RE.sub("", value)).strip()


def decode_raw(value: str, hint: str | None = None) -> tuple[str, list[str]]:
    """Header text as parsed (8-bit bytes kept as surrogates) back to real text.

    RFC 6532 says raw 8-bit header text is UTF-8; older clients used the charset of
    the body, which is what hint carries.
    """
    if value.isascii() or not _SURROGATE_RE.search(value):
        return value, []
    data = value.encode("utf-8", "surrogateescape")
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    text, defects = decode_bytes(data, hint)
    return text, [f"8-bit header text: {d}" for d in defects] if defects else []


def decode_words(value: str, hint: str | None = None) -> tuple[str, list[str]]:
    """Unfolded header text with encoded-words decoded.

    Adjacent words in the same charset are joined as bytes before decoding, so a
    multi-byte character split across two words comes out whole.
    """
    text, defects = decode_raw(unfold(value), hint)
    if "=?" not in text:
        return text, defects
    pieces: list[str] = []
    run: list[bytes] = []
    run_label = ""
    last_end = 0
    for match in _WORD_RE.finditer(text):
        gap = text[last_end : match.start()]
        label, data = match.group(1), _word_bytes(match.group(2), match.group(3))
        if data is None:
            defects.append(f"undecodable encoded-word {match.group(0)[:40]!r}")
            data, label = match.group(0).encode("ascii", "replace"), "us-ascii"
        # Whitespace between two encoded-words is not part of the text (RFC 2047 6.2).
        between_words = bool(run) and not gap.strip()
        same_charset = resolve_charset(label) == resolve_charset(run_label)
        if run and not (between_words and same_charset):
            pieces.append(_decode_run(run, run_label, defects))
            run = []
        if not between_words:
            pieces.append(gap)
        run.append(data)
        run_label = label
        last_end = match.end()
    if run:
        pieces.append(_decode_run(run, run_label, defects))
    pieces.append(text[last_end:])
    return _CONTROL_RE.sub(" ", "".join(pieces)), defects


def _word_bytes(encoding: str, encoded: str) -> bytes | None:
    try:
        if encoding in "qQ":
            return binascii.a2b_qp(encoded.encode("ascii", "replace"), header=True)
        cleaned = re.sub(r"[^A-Za-z0-9+/]", "", encoded)
        return binascii.a2b_base64(cleaned + "=" * (-len(cleaned) % 4))
    except (binascii.Error, ValueError):
        return None


def _decode_run(run: list[bytes], label: str, defects: list[str]) -> str:
    text, found = decode_bytes(b"".join(run), label)
    defects.extend(f"encoded-word: {d}" for d in found)
    return text


def parse_params(
    value: str, hint: str | None = None, *, raw: bool = False
) -> tuple[str, dict[str, str], list[str]]:
    """The main value of a MIME header (lowercased) and its parameters, decoded.

    Handles quoted strings, RFC 2231 continuations (name*0*, name*1 …) with their
    charset, and the non-standard but common encoded-words and raw 8-bit text. With
    raw, plain parameters stay as read (8-bit bytes as surrogates, words encoded).
    """
    segments = _split_semicolons(value)
    main = unfold(segments[0]).lower() if segments else ""
    plain: dict[str, str] = {}
    sections: dict[str, dict[int, tuple[bool, str]]] = {}
    defects: list[str] = []
    for segment in segments[1 : MAX_PARAMS + 1]:
        name, sep, written = segment.partition("=")
        name = unfold(name).lower()
        if not sep or not name:
            continue
        written = _unquote(unfold(written))
        section = _SECTION_RE.match(name)
        if section:
            index = int(section.group(2) or 0)
            extended = name.endswith("*")
            if index < MAX_SECTIONS:
                sections.setdefault(section.group(1), {}).setdefault(index, (extended, written))
        else:
            plain.setdefault(name, written)
    if len(segments) > MAX_PARAMS + 1:
        defects.append(f"more than {MAX_PARAMS} MIME parameters; the rest ignored")
    params = plain if raw else {k: _decode_plain(v, hint, defects) for k, v in plain.items()}
    for name, parts in sections.items():
        params[name] = _join_sections(parts, defects)
    return main, params, defects


def _split_semicolons(value: str) -> list[str]:
    segments: list[str] = []
    current: list[str] = []
    for match in _PARAM_TOKEN_RE.finditer(value):
        token = match.group(0)
        if token == ";":
            segments.append("".join(current))
            current = []
        else:
            current.append(token)
    segments.append("".join(current))
    return segments


def _unquote(raw: str) -> str:
    if raw.startswith('"'):
        raw = raw[1:-1] if len(raw) > 1 and raw.endswith('"') else raw[1:]
        # Only \\ and \" are unescaped: senders do not escape Windows paths.
        return raw.replace('\\"', '"').replace("\\\\", "\\")
    return raw


def _decode_plain(raw: str, hint: str | None, defects: list[str]) -> str:
    text, found = decode_words(raw, hint) if "=?" in raw else decode_raw(raw, hint)
    defects.extend(found)
    return text


def _join_sections(parts: dict[int, tuple[bool, str]], defects: list[str]) -> str:
    charset = ""
    data = bytearray()
    for index in range(len(parts)):
        if index not in parts:
            defects.append("RFC 2231 continuation missing; parameter cut short")
            break
        extended, raw = parts[index]
        if extended and index == 0:
            charset, _, rest = raw.partition("'")
            _lang, _, raw = rest.partition("'")
        if extended:
            data += unquote_to_bytes(raw.encode("utf-8", "surrogateescape"))
        else:
            data += raw.encode("ascii", "surrogateescape")
    text, found = decode_bytes(bytes(data), charset or None)
    defects.extend(f"RFC 2231 parameter: {d}" for d in found)
    return text
