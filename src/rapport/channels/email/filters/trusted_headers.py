"""X-Rapport-* headers that set ticket fields, honoured only from trusted mailboxes.

Internal systems (a monitoring tool, a web form relay) may set a ticket's
priority or tags by header. Anyone on the Internet can write the same headers,
so they count only when the receiving mailbox is marked trusted; otherwise they
are listed as ignored, so the ticket can show why they had no effect.
"""

from __future__ import annotations

import re

from .base import FilterContext, FilterResult
from .loop import LOOP_HEADERS
from .mail import RAPPORT_HEADER_PREFIX, InboundMail

FIELD_HEADERS = {
    "x-rapport-priority": "priority",
    "x-rapport-tags": "tags",
    "x-rapport-team": "team",
    "x-rapport-type": "type",
    "x-rapport-language": "language",
}
MAX_VALUE_CHARS = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class TrustedHeadersFilter:
    name = "trusted_headers"

    def apply(self, mail: InboundMail, ctx: FilterContext) -> FilterResult | None:
        claimed = sorted(
            name
            for name in mail.headers
            if name.startswith(RAPPORT_HEADER_PREFIX) and name not in LOOP_HEADERS
        )
        if not claimed:
            return None
        unknown = tuple(name for name in claimed if name not in FIELD_HEADERS)
        if not ctx.mailbox_trusted:
            return FilterResult(
                "mailbox is not trusted: ignored " + ", ".join(claimed),
                ignored_fields=tuple(claimed),
            )
        fields = {
            FIELD_HEADERS[name]: _clean(mail.header(name))
            for name in claimed
            if name in FIELD_HEADERS and _clean(mail.header(name))
        }
        reason = "trusted mailbox: honoured " + (", ".join(sorted(fields)) or "nothing")
        if unknown:
            reason += "; unknown, ignored: " + ", ".join(unknown)
        return FilterResult(reason, trusted_fields=fields, ignored_fields=unknown)


def _clean(value: str) -> str:
    return " ".join(_CONTROL.sub(" ", value).split())[:MAX_VALUE_CHARS]
