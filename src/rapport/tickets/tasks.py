"""Background jobs of the tickets domain."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from rapport.tickets.models import Message


@task()
def notify_customer_of_reply(message_id: int) -> None:
    """Email the requester a public agent reply, with a sign-in link to the portal."""
    from rapport.portal.services import issue_access_link

    message = (
        Message.objects.select_related("ticket__requester", "author_user")
        .filter(pk=message_id, is_public=True)
        .first()
    )
    if message is None:
        return
    customer = message.ticket.requester
    if not customer.email:
        return
    link = issue_access_link(customer, ticket=message.ticket)
    with translation.override(customer.language or settings.LANGUAGE_CODE):
        subject = _("[#%(number)s] %(subject)s") % {
            "number": message.ticket.pk, "subject": message.ticket.subject,
        }
        footer = _("See the whole conversation and reply here: %(link)s") % {"link": link}
    email = EmailMessage(
        subject=subject,
        body=f"{message.body_text}\n\n--\n{footer}\n",
        to=[customer.email],
        headers={"Auto-Submitted": "auto-replied"} if message.author_user is None else None,
    )
    email.send()
