"""Own-mail loop detection: mail Rapport sent that came back to it.

Our outbound mail carries a Message-ID in our own domain and an X-Rapport-Loop
header naming this instance; mailing software that honours the X-Loop
convention copies our address there. Any of them means the mail is ours: it is
dropped before anything else runs, so two help desks can never answer each other.
"""

from __future__ import annotations

import re

from .base import FilterContext, FilterResult, Flag
from .mail import InboundMail

LOOP_HEADERS = ("x-rapport-loop", "x-loop")
_SEPARATORS = re.compile(r"[\s,]+")


class OwnLoopFilter:
    name = "own_loop"

    def apply(self, mail: InboundMail, ctx: FilterContext) -> FilterResult | None:
        domain = _message_id_domain(mail.header("message-id"))
        if domain and domain in {own.lower() for own in ctx.own_message_id_domains}:
            return _loop(f"Message-ID is in our own domain {domain}")
        ours = {address.lower() for address in ctx.own_addresses}
        if ctx.instance_id:
            ours.add(ctx.instance_id.lower())
        for header in LOOP_HEADERS:
            for token in _SEPARATORS.split(mail.header(header)):
                value = token.strip("<>").lower()
                if value and value in ours:
                    return _loop(f"{header} names us ({value})")
        return None


def _loop(reason: str) -> FilterResult:
    return FilterResult(reason, frozenset({Flag.OWN_LOOP}), stop=True)


def _message_id_domain(message_id: str) -> str:
    value = message_id.strip().split()[0] if message_id.strip() else ""
    if "@" not in value:
        return ""
    return value.rpartition("@")[2].strip("<>").lower()
