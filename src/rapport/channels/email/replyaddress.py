"""Per-ticket reply addresses: support+t42-3fa9c1d0e2@example.com routes back to ticket 42.

The token is signed with the secret key so nobody can aim mail at a ticket by
guessing numbers; threading still requires the sender to be a participant.
"""

from __future__ import annotations

import hmac
import re
from hashlib import sha256

from django.conf import settings

_TOKEN = re.compile(r"^t(?P<ticket>\d{1,12})-(?P<sig>[0-9a-f]{10})$")


def _signature(ticket_id: int) -> str:
    key = f"rapport.reply-address:{settings.SECRET_KEY}".encode()
    return hmac.new(key, str(ticket_id).encode(), sha256).hexdigest()[:10]


def reply_address(mailbox_address: str, ticket_id: int) -> str:
    local, _, domain = mailbox_address.partition("@")
    return f"{local}+t{ticket_id}-{_signature(ticket_id)}@{domain}"


def split_plus(address: str) -> tuple[str, str]:
    """(base address, plus tag): support+t42-…@x → (support@x, t42-…)."""
    local, _, domain = address.strip().lower().partition("@")
    base, _, tag = local.partition("+")
    return f"{base}@{domain}", tag


def ticket_from_address(address: str) -> int | None:
    """The ticket a reply address names, when its signature is valid."""
    _, tag = split_plus(address)
    match = _TOKEN.match(tag)
    if match is None:
        return None
    ticket_id = int(match["ticket"])
    if not hmac.compare_digest(match["sig"], _signature(ticket_id)):
        return None
    return ticket_id
