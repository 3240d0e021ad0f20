"""Reading a raw message into the standard library's tree without letting it run away.

Two guards around email.parser.BytesParser:

* RawHeaderPolicy keeps every header as the raw string it was read as. The modern
  policy builds header objects lazily, and the parser itself asks for Content-Type:
  a crafted 100,000-character Content-Type took 218 s there (measured on CPython
  3.11.7), nested comments in From raise RecursionError. Our own linear decoders in
  headertext/addresses do the reading instead.
* plan_limits() scans the MIME structure once, linearly, before parsing: a multipart
  nested deeper than max_depth is renamed so the parser keeps it as one opaque leaf,
  and the message is cut before the part that would exceed max_parts. The feedparser
  pays for every nesting level on every line and raises RecursionError near 1,000.
"""

import re
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import EmailPolicy
from typing import Any

from rapport.channels.email.headertext import parse_params
from rapport.channels.email.limits import ParseLimits

LIMITED_HEADER = "X-Rapport-Limited-Content-Type"
_MIME_STRUCTURE_HEADERS = {"content-type", "content-disposition", "content-transfer-encoding"}
# What the feedparser takes for a header line (and so for the end of the headers).
_HEADER_RE = re.compile(rb"^([!-9;-~]*):|^From ")


class RawHeaderPolicy(EmailPolicy):
    """The default policy, but header values stay raw strings, capped in length."""

    max_header_chars = 16_384
    max_mime_header_chars = 4_096
    truncated: list[str] | None = None  # a fresh list per parse, through clone()

    def header_source_parse(self, sourcelines: list[str]) -> tuple[str, str]:
        name, value = super().header_source_parse(sourcelines)
        limit = self.max_header_chars
        if name.strip().lower() in _MIME_STRUCTURE_HEADERS:
            limit = self.max_mime_header_chars
        if len(value) > limit:
            value = value[:limit]
            if self.truncated is not None:
                self.truncated.append(name.strip()[:60])
        return name, value

    def header_fetch_parse(self, name: str, value: str) -> Any:
        return value

    def fold_binary(self, name: str, value: str) -> bytes:
        # Regenerating an attached message writes its headers back exactly as read.
        return f"{name}: {value}{self.linesep}".encode("ascii", "surrogateescape")


def bounded_policy(limits: ParseLimits, truncated: list[str]) -> RawHeaderPolicy:
    """A RawHeaderPolicy for one parse: its caps, and where it notes what it cut."""
    options: dict[str, Any] = {
        "max_header_chars": limits.max_header_chars,
        "max_mime_header_chars": limits.max_mime_header_chars,
        "truncated": truncated,
        "linesep": "\r\n",
    }
    policy = RawHeaderPolicy().clone(**options)
    assert isinstance(policy, RawHeaderPolicy)
    return policy


@dataclass
class _Entity:
    depth: int
    start: int
    content_type: bytes = b""
    type_offset: int = -1


@dataclass
class LimitPlan:
    """Where the bytes handed to the parser differ from the raw message, and why."""

    neutralise_at: list[int] = field(default_factory=list)
    cut_at: int | None = None
    defects: list[str] = field(default_factory=list)


def plan_limits(raw: bytes, limits: ParseLimits) -> LimitPlan:
    plan = LimitPlan()
    stack: list[tuple[bytes, int]] = []  # (boundary, depth of the multipart) outermost first
    entity: _Entity | None = _Entity(depth=0, start=0)
    parts = 1
    in_type = False
    offset = 0
    for line in raw.splitlines(keepends=True):
        if entity is not None:
            entity, in_type = _header_line(line, offset, entity, in_type, stack, plan, limits)
            if entity is not None or not line.strip():
                offset += len(line)
                continue
        if line.startswith(b"--") and stack:
            found = _match_boundary(line, stack)
            if found is not None:
                index, closing = found
                del stack[index + (0 if closing else 1) :]
                if not closing:
                    parts += 1
                    if parts > limits.max_parts:
                        plan.cut_at = offset
                        plan.defects.append(
                            f"more than {limits.max_parts} MIME parts; the rest not parsed"
                        )
                        break
                    entity = _Entity(depth=stack[-1][1] + 1, start=offset + len(line))
        offset += len(line)
    return plan


def _header_line(
    line: bytes,
    offset: int,
    entity: _Entity,
    in_type: bool,
    stack: list[tuple[bytes, int]],
    plan: LimitPlan,
    limits: ParseLimits,
) -> tuple[_Entity | None, bool]:
    """Advance through one header line of the current entity."""
    if line[:1] in (b" ", b"\t"):
        if in_type:
            entity.content_type += line
        return entity, in_type
    header = _HEADER_RE.match(line)
    if header:
        name = header.group(1) or b""
        is_type = name.lower() == b"content-type" and entity.type_offset < 0
        if is_type:
            entity.type_offset = offset
            entity.content_type = line[header.end() :]
        return entity, is_type
    return _end_of_headers(entity, stack, plan, limits), False


def _end_of_headers(
    entity: _Entity, stack: list[tuple[bytes, int]], plan: LimitPlan, limits: ParseLimits
) -> _Entity | None:
    """The entity's headers are complete: a multipart opens, a message/* nests."""
    media, params, _ = parse_params(
        entity.content_type.decode("ascii", "surrogateescape"), raw=True
    )
    # As the parser decides: a type without exactly one "/" is not a container.
    maintype = media.split("/")[0] if media.count("/") == 1 else ""
    boundary = params.get("boundary")
    nests = maintype == "message" and media != "message/delivery-status"
    opens = maintype == "multipart" and boundary is not None
    if (nests or opens) and entity.depth >= limits.max_depth:
        plan.neutralise_at.append(entity.type_offset)
        plan.defects.append(
            f"MIME nesting deeper than {limits.max_depth}; the inner part kept unparsed"
        )
        return None
    if opens and boundary is not None:
        stack.append((boundary.rstrip().encode("utf-8", "surrogateescape"), entity.depth))
        return None
    if nests:
        return _Entity(depth=entity.depth + 1, start=entity.start)
    return None


def _match_boundary(line: bytes, stack: list[tuple[bytes, int]]) -> tuple[int, bool] | None:
    """(index in stack, is closing) when line is a delimiter of an open multipart."""
    text = line.rstrip(b"\r\n").rstrip(b" \t")[2:]
    for index in range(len(stack) - 1, -1, -1):
        boundary = stack[index][0]
        if text == boundary:
            return index, False
        if text == boundary + b"--":
            return index, True
    return None


def apply_plan(raw: bytes, plan: LimitPlan) -> bytes:
    """The bytes the parser reads: raw itself when no limit was reached."""
    data = raw if plan.cut_at is None else raw[: plan.cut_at]
    for position in sorted(plan.neutralise_at, reverse=True):
        if 0 <= position < len(data):
            data = data[:position] + LIMITED_HEADER.encode() + data[position + 12 :]
    return data


def parse_tree(data: bytes, policy: RawHeaderPolicy) -> EmailMessage:
    message = BytesParser(policy=policy).parsebytes(data)
    assert isinstance(message, EmailMessage)
    return message
