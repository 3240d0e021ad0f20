"""Opaque keyset cursors for lists ordered ascending by a few columns."""

import base64
import json
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from rapport.core.errors import InvalidInput


def encode(values: list[str | int]) -> str:
    raw = json.dumps(values, separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode(cursor: str, types: list[type]) -> list[Any]:
    """The cursor's values, each checked against its expected type."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded))
        if not isinstance(values, list) or len(values) != len(types):
            raise ValueError
        if not all(type(v) is t for v, t in zip(values, types, strict=True)):
            raise ValueError
        return values
    except (ValueError, TypeError, UnicodeDecodeError):
        raise InvalidInput(_("The cursor is not valid."), code="invalid_cursor") from None


def after(fields: list[str], values: list[Any]) -> Q:
    """Rows strictly after ``values`` in ascending lexicographic order of ``fields``."""
    condition = Q()
    for i in range(len(fields) - 1, -1, -1):
        here = Q(**{f"{fields[i]}__gt": values[i]})
        if i < len(fields) - 1:
            here |= Q(**{fields[i]: values[i]}) & condition
        condition = here
    return condition
