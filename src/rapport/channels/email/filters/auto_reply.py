"""Automatic replies: out-of-office notes, autoresponders, read receipts.

They are stored on the ticket but never acknowledged (two autoresponders would
answer each other for ever) and never reopen a solved ticket. RFC 3834's
Auto-Submitted is the standard signal; the X- headers and Precedence are what
older software sets instead; the subject is the last resort for the clients
that set nothing, matched only as a leading tag so a customer writing *about*
an out-of-office problem is not taken for one.
"""

from __future__ import annotations

import re

from .base import FilterContext, FilterResult, Flag
from .mail import InboundMail

_NEGATIVE = frozenset({"no", "false", "0", "none"})
AUTOMATIC_PRECEDENCE = frozenset({"bulk", "junk", "auto_reply"})
_KEYWORDS = (
    r"automatic reply|auto[\s-]?reply|auto[\s-]?response"
    r"|out of (?:the )?office(?: auto-?reply| reply)?"
    r"|автоответ(?:чик)?|автоматический ответ|нет на месте|вне офиса"
    r"|自动回复|自動回覆|外出"
    r"|аутоматски одговор|automatski odgovor|одсутан|одсутна|odsutan|odsutna"
    r"|ван канцеларије|van kancelarije"
)
OUT_OF_OFFICE_SUBJECT = re.compile(
    rf"\s*(?:[\[【(]\s*(?:{_KEYWORDS})\s*[\]】)]|(?:{_KEYWORDS})\s*(?:[:：\-–—]|$))",
    re.IGNORECASE,
)


class AutoReplyFilter:
    name = "auto_reply"

    def apply(self, mail: InboundMail, ctx: FilterContext) -> FilterResult | None:
        reason = _header_reason(mail) or _report_reason(mail) or _subject_reason(mail)
        return FilterResult(reason, frozenset({Flag.AUTO_REPLY})) if reason else None


def _header_reason(mail: InboundMail) -> str | None:
    submitted = mail.header("auto-submitted").split(";")[0].strip().lower()
    if submitted and submitted != "no":
        return f"Auto-Submitted: {submitted}"
    for name in ("x-autoreply", "x-autorespond", "x-auto-response-suppress"):
        if name in mail.headers and mail.header(name).strip().lower() not in _NEGATIVE:
            return f"{name}: {mail.header(name).strip() or '(empty)'}"
    precedence = mail.header("precedence").strip().lower()
    if precedence in AUTOMATIC_PRECEDENCE:
        return f"Precedence: {precedence}"
    return None


def _report_reason(mail: InboundMail) -> str | None:
    if (
        mail.is_multipart_report
        and mail.report
        and mail.report.report_type == ("disposition-notification")
    ):
        return "read receipt (disposition notification)"
    return None


def _subject_reason(mail: InboundMail) -> str | None:
    if OUT_OF_OFFICE_SUBJECT.match(mail.subject):
        return f"out-of-office subject: {mail.subject[:80]!r}"
    return None
