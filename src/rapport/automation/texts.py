"""Texts an admin writes for automations: placeholders and the choice of language.

Admin input is never run as a template: `render` replaces known ``{{name.field}}``
placeholders with plain strings in one pass, so a value that itself looks like a
placeholder (a customer called "{{ticket.subject}}") stays as it is. HTML escaping is
the job of whoever turns the text into HTML (tickets.services.Body does).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.utils import translation

from rapport.accounts.models import User
from rapport.tickets.models import Ticket

PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+\.[a-z_]+)\s*\}\}")
PLACEHOLDERS = (
    "ticket.number", "ticket.subject", "ticket.status", "ticket.priority", "ticket.team",
    "customer.name", "customer.first_name", "customer.email",
    "agent.name", "agent.first_name",
)


def unknown_placeholders(text: str) -> list[str]:
    return sorted({name for name in PLACEHOLDER.findall(text) if name not in PLACEHOLDERS})


def render(text: str, values: Mapping[str, str]) -> str:
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def values_for(ticket: Ticket, *, agent: User | None, language: str) -> dict[str, str]:
    """The placeholders' values; labels (status, priority) in the text's language.

    `agent` is whoever acts: the agent applying a macro, else the ticket's assignee.
    """
    customer = ticket.requester
    agent = agent or ticket.assignee
    with translation.override(language or settings.LANGUAGE_CODE):
        status, priority = ticket.status_label, ticket.priority_label
    return {
        "ticket.number": str(ticket.pk),
        "ticket.subject": ticket.subject,
        "ticket.status": status,
        "ticket.priority": priority,
        "ticket.team": str(ticket.team or ""),
        "customer.name": str(customer),
        "customer.first_name": customer.first_name or str(customer),
        "customer.email": customer.email,
        "agent.name": str(agent or ""),
        "agent.first_name": (agent.first_name or str(agent)) if agent else "",
    }


def _base(code: str) -> str:
    return code.lower().split("-")[0]


def choose_language(available: Iterable[str], ticket: Ticket) -> str:
    """The ticket's language, else the requester's, else the default, else the first.

    "First" follows Rapport's language list, not the JSON's key order: PostgreSQL's
    jsonb does not keep the order an admin typed.
    """
    codes = {code.lower(): code for code in available}
    if not codes:
        return ""
    for wanted in (ticket.language, ticket.requester.language, settings.LANGUAGE_CODE):
        if not wanted:
            continue
        if wanted.lower() in codes:
            return codes[wanted.lower()]
        same_base = [c for c in codes if _base(c) == _base(wanted)]
        if same_base:
            return codes[sorted(same_base)[0]]
    for code, _name in settings.LANGUAGES:
        if code.lower() in codes:
            return codes[code.lower()]
    return codes[sorted(codes)[0]]


def pick(texts: Mapping[str, Any], ticket: Ticket) -> tuple[str, Any]:
    """(language, its entry) from a per-language mapping such as {"en": …, "ru": …}."""
    language = choose_language(texts.keys(), ticket)
    return language, texts.get(language)
