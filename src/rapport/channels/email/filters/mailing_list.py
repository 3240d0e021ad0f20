"""Mailing-list traffic: List-Id (RFC 2919) or Precedence: list.

A list delivers to many people at once, so answering it automatically would
mail everyone on it; the issue counts list mail among the automatic mail that
is stored but never acknowledged.
"""

from __future__ import annotations

from .base import FilterContext, FilterResult, Flag
from .mail import InboundMail


class MailingListFilter:
    name = "mailing_list"

    def apply(self, mail: InboundMail, ctx: FilterContext) -> FilterResult | None:
        list_id = " ".join(mail.header("list-id").split())
        if list_id:
            reason = f"List-Id: {list_id[:120]}"
        elif mail.header("precedence").strip().lower() == "list":
            reason = "Precedence: list"
        else:
            return None
        return FilterResult(reason, frozenset({Flag.MAILING_LIST, Flag.AUTO_REPLY}))
