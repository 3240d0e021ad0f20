"""The ordered chain of inbound filters.

Order matters in one way only: a filter that stops the chain (an own-mail loop)
keeps the ones after it from running, so the loop check comes first and a
returned mail of ours is never even counted against a sender's rate limit.
Everything else a filter finds is added up, and what may be done with the mail
is derived from the sum (see Verdict).
"""

from __future__ import annotations

from collections.abc import Sequence

from .auto_reply import AutoReplyFilter
from .base import Filter, FilterContext, Verdict
from .bounce import BounceFilter
from .loop import OwnLoopFilter
from .mail import InboundMail
from .mailing_list import MailingListFilter
from .rate_limit import AutoReplyRateLimitFilter
from .spoofing import SpoofingFilter
from .trusted_headers import TrustedHeadersFilter

DEFAULT_CHAIN: tuple[Filter, ...] = (
    OwnLoopFilter(),
    BounceFilter(),
    AutoReplyFilter(),
    MailingListFilter(),
    AutoReplyRateLimitFilter(),
    SpoofingFilter(),
    TrustedHeadersFilter(),
)


def run_chain(
    mail: InboundMail, ctx: FilterContext, chain: Sequence[Filter] = DEFAULT_CHAIN
) -> Verdict:
    verdict = Verdict()
    for inbound_filter in chain:
        result = inbound_filter.apply(mail, ctx)
        verdict = verdict.add(inbound_filter.name, result)
        if result is not None and result.stop:
            break
    return verdict
