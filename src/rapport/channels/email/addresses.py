"""Addresses, message ids and dates from header text, parsed strictly and in bounded time.

The address list is split by a linear tokeniser first (comments removed, groups
flattened); each element is then read by email.utils.parseaddr and its addr-spec
validated by email.headerregistry.Address. Anything that does not read back exactly
as written is rejected rather than guessed, so a crafted From cannot smuggle in a
second address (the getaddresses confusion of CVE-2023-27043).
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.headerregistry import Address
from email.utils import parseaddr, parsedate_to_datetime

from rapport.channels.email.headertext import decode_raw, decode_words, unfold
from rapport.core.emailaddr import normalise_domain

MAX_ELEMENT_CHARS = 998
_COMMENT_TOKEN_RE = re.compile(r'"(?:[^"\\]|\\.)*"?|\\.|[()]|[^"()\\]+', re.S)
_LIST_TOKEN_RE = re.compile(r'"(?:[^"\\]|\\.)*"?|<[^<>]*>?|[,:;]|[^",:;<]+', re.S)
_MSGID_RE = re.compile(r"<([^<>]{1,998})>")


@dataclass(frozen=True)
class EmailAddress:
    address: str
    name: str = ""

    @property
    def domain(self) -> str:
        return self.address.rpartition("@")[2]


def parse_address_list(
    raw: str, *, max_addresses: int, hint: str | None = None
) -> tuple[list[EmailAddress], list[str]]:
    """Every valid address in an address header; invalid ones become defects."""
    text, defects = decode_raw(unfold(raw), hint)
    text, comments = _strip_comments(text, defects)
    found: list[EmailAddress] = []
    for element in _split_elements(text):
        if len(found) >= max_addresses:
            defects.append(f"more than {max_addresses} addresses; the rest ignored")
            break
        parsed = _parse_element(element, comments)
        if parsed is None:
            defects.append(f"invalid address {element[:80]!r}")
        else:
            found.append(parsed)
    return found, defects


def _strip_comments(text: str, defects: list[str]) -> tuple[str, list[str]]:
    """Text without (comments); the top-level comments are kept as possible names."""
    kept: list[str] = []
    comments: list[str] = []
    depth = 0
    current: list[str] = []
    for match in _COMMENT_TOKEN_RE.finditer(text):
        token = match.group(0)
        if token == "(":
            depth += 1
        elif token == ")" and depth:
            depth -= 1
            if depth == 0:
                comments.append("".join(current).strip())
                current = []
                kept.append(" ")
        elif depth:
            if depth == 1:
                current.append(token)
        else:
            kept.append(token)
    if depth:
        defects.append("unbalanced comment in address header")
    return "".join(kept), comments


def _split_elements(text: str) -> list[str]:
    elements: list[str] = []
    current: list[str] = []
    for match in _LIST_TOKEN_RE.finditer(text):
        token = match.group(0)
        if token in (",", ";"):
            elements.append("".join(current).strip())
            current = []
        elif token == ":" and not any("@" in t or t.startswith("<") for t in current):
            current = []  # "group name:" — the group's members follow
        else:
            current.append(token)
    elements.append("".join(current).strip())
    return [e for e in elements if e]


def _parse_element(element: str, comments: list[str]) -> EmailAddress | None:
    if len(element) > MAX_ELEMENT_CHARS:
        return None
    name, addr = parseaddr(element)
    angle = element.rfind("<")
    written = element[angle + 1 :].rstrip().removesuffix(">").strip() if angle >= 0 else element
    if not addr or addr != written or (angle >= 0 and not element.rstrip().endswith(">")):
        return None
    address = _validate_addr_spec(addr)
    if address is None:
        return None
    if not name and comments and angle < 0:
        name = comments.pop(0)
    display, _defects = decode_words(name) if name else ("", [])
    return EmailAddress(address=address, name=display.strip())


def _validate_addr_spec(addr: str) -> str | None:
    local, at, domain = addr.rpartition("@")
    if not at or not local:
        return None
    normalised = normalise_domain(domain)
    if normalised is None:
        return None
    # Address() knows RFC 5322 local parts but not RFC 6531 (UTF-8) ones: check the
    # structure with the non-ASCII letters stood in for.
    ascii_local = "".join(c if c.isascii() else "x" for c in local)
    ascii_domain = normalised if normalised.startswith("[") else normalised.encode("idna")
    try:
        Address(addr_spec=f"{ascii_local}@{_ascii(ascii_domain)}")
    except Exception:  # noqa: BLE001  (the parser raises several kinds on bad input)
        return None
    return f"{local}@{normalised}"


def _ascii(value: str | bytes) -> str:
    return value.decode("ascii") if isinstance(value, bytes) else value


def parse_message_ids(raw: str, *, limit: int) -> tuple[list[str], list[str]]:
    """Message ids without their angle brackets, exactly as written but for whitespace."""
    text, defects = decode_raw(unfold(raw))
    if "<" in text:
        ids = _MSGID_RE.findall(re.sub(r"\s+", "", text))
    else:
        ids = [token for token in text.split() if "@" in token]
    ids = [i for i in ids if i]
    if not ids and text.strip():
        defects.append(f"no message id in {text[:80]!r}")
    if len(ids) > limit:
        defects.append(f"more than {limit} message ids; the first and the latest kept")
        ids = ids[:1] + ids[-(limit - 1) :]
    return ids, defects


def parse_date(raw: str) -> tuple[datetime | None, list[str]]:
    """An aware datetime; a date without a usable zone (-0000) is taken as UTC."""
    text = unfold(raw)
    if len(text) > 200:
        return None, ["Date header too long"]
    try:
        value = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None, [f"invalid Date header {text[:60]!r}"]
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value, []
