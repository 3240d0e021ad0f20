"""Background jobs of the portal: the emails that carry one-time sign-in links."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from rapport.contacts.models import Customer
from rapport.portal.queries import customer_for_email
from rapport.portal.services import issue_access_link
from rapport.tickets.models import Ticket

# Automatic mail: out-of-office robots must not answer it (RFC 3834).
_AUTO_HEADERS = {"Auto-Submitted": "auto-generated"}


def _language_for(customer: Customer, fallback: str = "") -> str:
    return customer.language or fallback or settings.LANGUAGE_CODE


def _link_hours() -> int:
    return max(1, settings.RAPPORT_PORTAL_LINK_MAX_AGE // 3600)


@task()
def send_ticket_confirmation(ticket_id: int, email: str) -> None:
    """Tell the sender their request arrived, with a link that opens it in the portal."""
    ticket = Ticket.objects.select_related("requester").filter(pk=ticket_id).first()
    if ticket is None or not email:
        return
    customer = ticket.requester
    link = issue_access_link(customer, ticket=ticket)
    with translation.override(_language_for(customer, ticket.language)):
        subject = _("[#%(number)s] We have received your request: %(subject)s") % {
            "number": ticket.pk, "subject": ticket.subject,
        }
        body = render_to_string(
            "portal/email/confirmation.txt",
            {"customer": customer, "ticket": ticket, "link": link, "hours": _link_hours()},
        )
    EmailMessage(subject=subject, body=body, to=[email], headers=_AUTO_HEADERS).send()


@task()
def send_access_link(email: str, language: str = "") -> None:
    """Mail a sign-in link to this address if it belongs to a customer."""
    customer = customer_for_email(email)
    if customer is None:
        return
    link = issue_access_link(customer)
    with translation.override(_language_for(customer, language)):
        subject = _("Your link to your support requests")
        body = render_to_string(
            "portal/email/access_link.txt",
            {"customer": customer, "link": link, "hours": _link_hours()},
        )
    EmailMessage(subject=subject, body=body, to=[email], headers=_AUTO_HEADERS).send()
