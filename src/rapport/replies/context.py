"""The values a reply's placeholders are filled with: plain dicts of strings and numbers.

Never model instances: a template sees copies, so nothing in it can reach a method, a
relation or a setting. Unknown values are empty text; a first name falls back to the
whole name (one-word and CJK names), an agent's names to their username.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from rapport.accounts.models import User
from rapport.contacts.models import Customer
from rapport.tickets.models import Status, Ticket

Context = dict[str, dict[str, Any]]


def ticket_context(ticket: Ticket, *, agent: User, language: str) -> Context:
    customer: Customer = ticket.requester
    company = customer.company if customer.company_id else None
    with translation.override(_ui_language(language)):
        status = str(ticket.status_label)
    return _context(
        customer_name=customer.name, email=customer.email,
        company=company.name if company else "",
        number=ticket.pk, subject=ticket.subject, status=status, agent=agent,
    )


def sample_context(*, agent: User, language: str) -> Context:
    """Made-up values for previews: no real ticket is read."""
    with translation.override(_ui_language(language)):
        subject = _("Where is my order?")
        status = str(Status.OPEN.label)
    return _context(
        customer_name="Maria Lopez", email="maria.lopez@example.com", company="Example Ltd",
        number=1042, subject=subject, status=status, agent=agent,
    )


def _context(*, customer_name: str, email: str, company: str, number: int, subject: str,
             status: str, agent: User) -> Context:
    name = " ".join((customer_name or "").split())
    first, _space, rest = name.partition(" ")
    agent_name = agent.get_full_name().strip() or agent.username
    return {
        "customer": {"first_name": first, "last_name": rest, "name": name,
                     "email": email or ""},
        "company": {"name": company or ""},
        "ticket": {"number": number, "subject": subject or "", "status": status},
        "agent": {"first_name": (agent.first_name or "").strip() or agent_name,
                  "name": agent_name},
        "brand": {"name": str(settings.RAPPORT_COMPANY_NAME)},
    }


def _ui_language(code: str) -> str:
    """The supported interface language closest to code (labels such as the status)."""
    try:
        return translation.get_supported_language_variant(code or settings.LANGUAGE_CODE)
    except LookupError:
        return settings.LANGUAGE_CODE
