"""Which of a reply's texts to use, and language codes as people read them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from django.utils import translation

from rapport.accounts.models import User
from rapport.replies.models import CannedReply, ReplyVariant
from rapport.tickets.models import Ticket

# The languages a reply's form always offers, before any other one already in use.
FORM_LANGUAGES = ("en", "ru", "zh-hans", "sr")
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})*$")


def normalise(code: str) -> str:
    return code.strip().lower().replace("_", "-")


def _base(code: str) -> str:
    return normalise(code).split("-")[0]


def wanted_languages(ticket: Ticket, agent: User) -> list[str]:
    """The ticket's language, else the customer's, else the agent's interface language."""
    return [code for code in (ticket.language, ticket.requester.language, agent.ui_language)
            if code]


def choose_variant(
    reply: CannedReply, variants: Sequence[ReplyVariant], wanted: Iterable[str]
) -> ReplyVariant | None:
    """The text in the first wanted language it has (exact code first, then the same base
    language, e.g. "sr-latn" finds "sr"), else its default language's, else any."""
    by_code = {normalise(v.language): v for v in variants}
    if not by_code:
        return None
    for code in [*wanted, reply.default_language]:
        code = normalise(code)
        if code in by_code:
            return by_code[code]
        same_base = sorted(c for c in by_code if _base(c) == _base(code))
        if same_base:
            return by_code[same_base[0]]
    return by_code[sorted(by_code)[0]]


def language_name(code: str) -> str:
    """"Русский" for ru: each language in its own name, as a picker shows it."""
    try:
        info = translation.get_language_info(code)
    except KeyError:
        try:
            info = translation.get_language_info(_base(code))
        except KeyError:
            return code
    return str(info["name_local"])


def form_languages(used: Iterable[str]) -> list[str]:
    """Rapport's own languages first, then every other language already used."""
    extra = sorted({normalise(c) for c in used} - set(FORM_LANGUAGES))
    return [*FORM_LANGUAGES, *extra]

