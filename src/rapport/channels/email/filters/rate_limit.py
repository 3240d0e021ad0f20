"""A per-sender cap on Rapport's automatic replies.

Even when every other filter lets a mail through, a sender who already got
`ctx.auto_reply_limit` automatic replies in the counting window gets no more: the
last guard against an autoresponder that sets none of the usual headers.
"""

from __future__ import annotations

from .base import FilterContext, FilterResult, Flag
from .mail import InboundMail


class AutoReplyRateLimitFilter:
    name = "auto_reply_rate_limit"

    def apply(self, mail: InboundMail, ctx: FilterContext) -> FilterResult | None:
        address = mail.from_address.lower()
        if not address:
            return None
        sent = ctx.recent_auto_replies_to(address)
        if sent < ctx.auto_reply_limit:
            return None
        return FilterResult(
            f"{sent} automatic replies already sent to {address} (limit {ctx.auto_reply_limit})",
            frozenset({Flag.RATE_LIMITED}),
        )
