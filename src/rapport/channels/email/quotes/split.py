"""Separate the new part of a plain-text reply from the quoted history.

The first marker of quoted history wins, scanning from the top: a `>` line, an
"original message" separator, an Outlook header block, or a client's attribution
line. Two shapes are kept whole on purpose, because cutting them would hide the
customer's own words: a quote answered inline (new text before *and* after the
quote), and a forward. A bottom-posted reply (quote first, answer below) keeps
the answer.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from . import patterns as p


@dataclass(frozen=True)
class SplitReply:
    """The new part of a reply, the quoted history, and the sender's signature.

    `new_text` excludes the signature. When the quote was found in HTML,
    `quoted_text` keeps the `>` marks that stand for the quote containers.
    `rule` names what marked the quote ("wrote_en", "header_block",
    "quote_marker", "interleaved", …) so the agent UI can explain the cut; it is
    None when nothing was detected.
    """

    new_text: str
    quoted_text: str
    signature: str | None = None
    rule: str | None = None


@dataclass(frozen=True)
class _Cut:
    index: int  # first line of the quoted history
    rule: str
    marker_lines: int  # lines of the attribution itself, before the quote proper
    quote_marked: bool  # the quote proper is made of ">" lines


def split_text(text: str) -> SplitReply:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    cut = _find_quote_start(lines)
    quoted_lines: list[str] = []
    rule: str | None = None
    if cut is None:
        new_lines = lines
    else:
        new_lines, quoted_lines, rule = _divide(lines, cut)
    body, signature = split_signature(new_lines)
    return SplitReply(_join(body), _join(quoted_lines), signature, rule)


def _find_quote_start(lines: Sequence[str]) -> _Cut | None:
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped or len(stripped) > p.MAX_LINE_CHARS:
            continue
        if stripped.startswith(">"):
            return _Cut(index, "quote_marker", 0, quote_marked=True)
        if p.ORIGINAL_MESSAGE.fullmatch(stripped):
            return _Cut(index, "original_message", 1, quote_marked=False)
        if _is_header_block(lines, index) and not _follows_forward_marker(lines, index):
            return _Cut(_include_rule_above(lines, index), "header_block", 1, quote_marked=False)
        attribution = _match_attribution(lines, index)
        if attribution is not None:
            rule, length = attribution
            following = _next_non_blank(lines, index + length)
            marked = following is not None and lines[following].lstrip().startswith(">")
            return _Cut(index, rule, length, quote_marked=marked)
    return None


def _divide(lines: list[str], cut: _Cut) -> tuple[list[str], list[str], str]:
    head = lines[: cut.index]
    if not cut.quote_marked:
        return head, lines[cut.index :], cut.rule
    end = _quote_block_end(lines, cut.index + cut.marker_lines)
    rest = lines[end:]
    rest_body, _ = split_signature(rest)
    if not _has_text(rest_body):
        # Top-posted: anything after the quote is only the sender's signature.
        return head + rest, lines[cut.index : end], cut.rule
    if not _has_text(head):
        return rest, lines[:end], cut.rule  # bottom-posted
    return lines, [], "interleaved"


def _match_attribution(lines: Sequence[str], index: int) -> tuple[str, int] | None:
    parts: list[str] = []
    for length in range(1, p.MAX_ATTRIBUTION_LINES + 1):
        if index + length > len(lines):
            return None
        line = lines[index + length - 1].strip()
        if not line or line.startswith(">"):
            return None
        parts.append(line)
        candidate = " ".join(parts).replace("< ", "<")
        if len(candidate) > p.MAX_LINE_CHARS:
            return None
        for rule, pattern in p.ATTRIBUTIONS:
            if pattern.fullmatch(candidate):
                return rule, length
    return None


def _is_header_block(lines: Sequence[str], index: int) -> bool:
    first = p.HEADER_LINE.fullmatch(lines[index].strip())
    if first is None or _header_kind(first.group("key")) != "from":
        return False
    if not first.group("value").strip():
        return False
    kinds: set[str] = set()
    for line in lines[index + 1 : index + 1 + p.HEADER_BLOCK_LOOKAHEAD]:
        if not line.strip():
            break
        match = p.HEADER_LINE.fullmatch(line.strip())
        if match is not None:
            kinds.add(_header_kind(match.group("key")))
    return len(kinds & {"sent", "to", "subject"}) >= 2


def _header_kind(key: str) -> str:
    return p.HEADER_KEYS.get(key.strip().lower(), "")


def _follows_forward_marker(lines: Sequence[str], index: int) -> bool:
    above = _previous_non_blank(lines, index)
    return above is not None and bool(p.FORWARD_MARKER.fullmatch(lines[above].strip()))


def _include_rule_above(lines: Sequence[str], index: int) -> int:
    above = _previous_non_blank(lines, index)
    if above is not None and p.RULE_LINE.fullmatch(lines[above].strip()):
        return above
    return index


def _quote_block_end(lines: Sequence[str], start: int) -> int:
    end = start
    for position in range(start, len(lines)):
        stripped = lines[position].strip()
        if stripped.startswith(">"):
            end = position + 1
        elif stripped:
            break
    return end


def split_signature(lines: list[str]) -> tuple[list[str], str | None]:
    """Split off the signature: after a "-- " delimiter, or a phone's last line."""
    for index, line in enumerate(lines):
        if line == p.SIGNATURE_DELIMITER or (
            line.rstrip() == p.LOOSE_SIGNATURE_DELIMITER
            and sum(1 for rest in lines[index + 1 :] if rest.strip()) <= p.MAX_LOOSE_SIGNATURE_LINES
        ):
            return lines[:index], _join(lines[index + 1 :]) or None
    last = _previous_non_blank(lines, len(lines))
    if last is not None and p.MOBILE_SIGNATURE.fullmatch(lines[last].strip()):
        return lines[:last], lines[last].strip()
    return lines, None


def _next_non_blank(lines: Sequence[str], start: int) -> int | None:
    for position in range(start, len(lines)):
        if lines[position].strip():
            return position
    return None


def _previous_non_blank(lines: Sequence[str], before: int) -> int | None:
    for position in range(before - 1, -1, -1):
        if lines[position].strip():
            return position
    return None


def _has_text(lines: Sequence[str]) -> bool:
    return any(line.strip() for line in lines)


def _join(lines: Sequence[str]) -> str:
    return "\n".join(line.rstrip() for line in lines).strip("\n")
