"""Portal verbs: issue and redeem one-time links, accept the public contact form."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from rapport.contacts.models import Customer
from rapport.contacts.services import find_or_create_by_email, normalise_email
from rapport.core.effects import enqueue_on_commit
from rapport.portal.models import PortalLink
from rapport.tickets.attachments import IncomingFile
from rapport.tickets.models import Channel, Ticket
from rapport.tickets.services import Body, create_ticket

_LANGUAGES = {code for code, _name in settings.LANGUAGES}


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_access_link(customer: Customer, *, ticket: Ticket | None = None) -> str:
    """A fresh single-use URL that signs the customer in (and opens the ticket)."""
    token = secrets.token_urlsafe(32)
    PortalLink.objects.create(
        token_hash=hash_token(token),
        customer=customer,
        ticket=ticket,
        expires_at=timezone.now() + timedelta(seconds=settings.RAPPORT_PORTAL_LINK_MAX_AGE),
    )
    return settings.SITE_URL + reverse("portal:access", args=[token])


@transaction.atomic
def redeem_access_link(token: str) -> PortalLink | None:
    """The link, marked used, if it exists, is unused and has not expired; else None."""
    link = (
        PortalLink.objects.select_for_update()
        .select_related("customer")
        .filter(token_hash=hash_token(token))
        .first()
    )
    now = timezone.now()
    if link is None or link.used_at is not None or link.expires_at <= now:
        return None
    link.used_at = now
    link.save(update_fields=["used_at"])
    return link


@transaction.atomic
def submit_contact_form(
    *, name: str, email: str, subject: str, text: str, files: list[IncomingFile],
    language: str = "",
) -> Ticket:
    """A web-form ticket from whoever owns this email; a confirmation is mailed on commit.

    The confirmation carries a sign-in link and goes to the address typed into the form,
    so only its owner can open the ticket in the portal.
    """
    from rapport.portal.tasks import send_ticket_confirmation

    language = language if language in _LANGUAGES else ""
    # One transaction: a refused file leaves no half-made customer behind.
    customer = find_or_create_by_email(email, name=name, language=language)
    ticket = create_ticket(
        actor=customer, requester=customer, subject=subject, body=Body(text=text, files=files),
        channel=Channel.WEB, language=language, source="portal",
    )
    enqueue_on_commit(send_ticket_confirmation, ticket.pk, normalise_email(email))
    return ticket


def request_access_link(email: str, *, language: str = "") -> None:
    """Mail a fresh sign-in link if a customer owns this address; nothing otherwise.

    The lookup happens in the job, so the caller's answer and timing are the same
    whether or not the address is known.
    """
    from rapport.portal.tasks import send_access_link

    language = language if language in _LANGUAGES else ""
    enqueue_on_commit(send_access_link, normalise_email(email), language)
