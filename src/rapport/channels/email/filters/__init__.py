"""The ordered chain of inbound email filters (issue 3, items 9 and 11).

Each filter is a small class in its own module, deciding on one InboundMail;
`run_chain` runs them in order and returns a Verdict. Nothing here touches the
database: the context supplies what the filters need to know.
"""

from .auto_reply import AutoReplyFilter
from .base import Filter, FilterContext, FilterResult, Flag, Reason, Verdict
from .bounce import BounceFilter
from .chain import DEFAULT_CHAIN, run_chain
from .loop import OwnLoopFilter
from .mail import DeliveryReport, InboundMail, RecipientReport
from .mailing_list import MailingListFilter
from .rate_limit import AutoReplyRateLimitFilter
from .spoofing import SpoofingFilter
from .trusted_headers import TrustedHeadersFilter

__all__ = [
    "DEFAULT_CHAIN",
    "AutoReplyFilter",
    "AutoReplyRateLimitFilter",
    "BounceFilter",
    "DeliveryReport",
    "Filter",
    "FilterContext",
    "FilterResult",
    "Flag",
    "InboundMail",
    "MailingListFilter",
    "OwnLoopFilter",
    "Reason",
    "RecipientReport",
    "SpoofingFilter",
    "TrustedHeadersFilter",
    "Verdict",
    "run_chain",
]
