"""The automatic acknowledgement of a new ticket, and the count the inbound rate limit reads."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext

from rapport.channels.email.models import OutboundEmail, ThreadKey
from rapport.channels.email.outbound.queries import recent_acknowledgements
from rapport.channels.email.outbound.services import queue_acknowledgement
from rapport.channels.email.replyaddress import reply_address
from rapport.channels.email.tests.smtp_sink import SmtpSink, email_ticket, sink_mailbox
from rapport.contacts.tests.factories import CustomerFactory
from rapport.core.errors import InvalidInput

ACK_MSGID = (
    "We have received your request #%(number)s “%(subject)s”. Our team will reply "
    "as soon as possible.\n\nTo add information, just reply to this email."
)


@pytest.fixture
def sink():
    with SmtpSink() as running:
        yield running


def _ack(ticket, mailbox, to="ivan@example.test", **kwargs):
    return queue_acknowledgement(
        ticket, to_address=to, mailbox=mailbox, in_reply_to=kwargs.pop("in_reply_to", ""),
        references=kwargs.pop("references", []),
    )


def test_acknowledgement_is_automatic_mail_threaded_to_the_customers_mail(
    sink, customer, team, django_capture_on_commit_callbacks
):
    mailbox = sink_mailbox(sink.port, team=team)
    ticket = email_ticket(customer, team=team, subject="Где мой заказ?")
    with django_capture_on_commit_callbacks(execute=True):
        outbound = _ack(ticket, mailbox, to="Ivan@Example.TEST", in_reply_to="<orig@example.com>",
                        references=["root@example.com"])
    assert len(sink.received) == 1
    mail = sink.received[0].message
    assert mail["Auto-Submitted"] == "auto-replied"
    assert mail["X-Auto-Response-Suppress"] == "All"
    assert mail["X-Rapport-Loop"] == settings.RAPPORT_INSTANCE_ID
    assert mail["To"] == "ivan@example.test"
    assert mail["Reply-To"] == reply_address(mailbox.address, ticket.pk)
    assert mail["Subject"] == f"Re: Где мой заказ? [#{ticket.pk}]"
    assert mail["Message-ID"] == f"<{outbound.message_id}>"
    assert mail["In-Reply-To"] == "<orig@example.com>"
    assert mail["References"] == "<root@example.com> <orig@example.com>"
    text = mail.get_body(("plain",)).get_content()
    assert f"#{ticket.pk}" in text
    assert "Где мой заказ?" in text
    outbound.refresh_from_db()
    assert (outbound.kind, outbound.status, outbound.ticket_message) == ("ack", "sent", None)
    assert ThreadKey.objects.filter(ticket=ticket, kind="sent", value=outbound.message_id).exists()


def test_acknowledgement_is_written_in_the_customers_language(customer, team):
    assert customer.language == "ru"
    ticket = email_ticket(customer, team=team, subject="Заказ")
    outbound = _ack(ticket, None)
    with translation.override("ru"):
        expected = gettext(ACK_MSGID) % {"number": ticket.pk, "subject": "Заказ"}
    assert outbound.language == "ru"
    assert outbound.body_text == expected
    # The agent's own language (active while the request runs) does not leak in.
    english = CustomerFactory(email="jane@example.test", language="en")
    with translation.override("zh-hans"):
        other = _ack(email_ticket(english, team=team), None, to=english.email)
    assert other.language == "en"
    assert other.body_text.startswith("We have received your request")


def test_acknowledgement_needs_an_address(customer, team):
    ticket = email_ticket(customer, team=team)
    with pytest.raises(InvalidInput):
        _ack(ticket, None, to="not an address")
    assert not OutboundEmail.objects.exists()


def test_recent_acknowledgements_counts_acks_to_one_address_in_the_window(customer, team):
    ticket = email_ticket(customer, team=team)
    _ack(ticket, None, to="a@example.test")
    _ack(ticket, None, to="Anna <A@Example.test>")
    _ack(ticket, None, to="b@example.test")
    old = _ack(ticket, None, to="a@example.test")
    OutboundEmail.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(hours=2)
    )
    # A reply to the same address is not an automatic mail.
    OutboundEmail.objects.create(
        ticket=ticket, kind="reply", message_id="x@rapport.test", from_address="s@example.test",
        to=["a@example.test"], subject="Re", created_at=timezone.now(),
    )
    assert recent_acknowledgements("a@example.test") == 2
    assert recent_acknowledgements("A@EXAMPLE.TEST", hours=1) == 2
    assert recent_acknowledgements("a@example.test", hours=3) == 3
    assert recent_acknowledgements("b@example.test") == 1
    assert recent_acknowledgements("c@example.test") == 0
