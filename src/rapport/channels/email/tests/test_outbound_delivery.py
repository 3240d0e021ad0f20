"""An agent's public reply on an email ticket leaves as one mail, through a real SMTP server."""

import pytest
from django.conf import settings

from rapport.channels.email.filters.base import FilterContext
from rapport.channels.email.filters.loop import OwnLoopFilter
from rapport.channels.email.inbound.adapter import inbound_mail
from rapport.channels.email.models import Mailbox, OutboundEmail, ThreadKey
from rapport.channels.email.outbound.addressing import reply_subject
from rapport.channels.email.parsing import parse_message
from rapport.channels.email.replyaddress import reply_address, ticket_from_address
from rapport.channels.email.tests.smtp_sink import SmtpSink, email_ticket, sink_mailbox
from rapport.core.effects import effects_suppressed
from rapport.core.errors import InvalidInput
from rapport.tickets import services
from rapport.tickets.attachments import IncomingFile
from rapport.tickets.models import Channel, Message
from rapport.tickets.services import Body
from rapport.tickets.tests.factories import make_ticket

REPLY_TEXT = "Здравствуйте, Иван! Ваш заказ отправлен.\n您的订单已发货。"
SIGNATURE = "Анна Смирнова\nAcme <support> & Co"
PDF = b"%PDF-1.4 invoice \xd0\x9f\x00\xff"


@pytest.fixture
def sink():
    with SmtpSink() as running:
        yield running


@pytest.fixture
def mailbox(sink, team):
    return sink_mailbox(sink.port, team=team)


def _reply(ticket, agent, callbacks, text=REPLY_TEXT, files=()):
    with callbacks(execute=True):
        return services.post_reply(ticket, actor=agent, body=Body(text=text, files=list(files)))


def test_agent_reply_is_delivered_once_with_headers_parts_and_attachment(
    sink, mailbox, customer, agent, team, django_capture_on_commit_callbacks
):
    Mailbox.objects.create(name="Billing", address="billing@example.test")
    agent.email_signature = SIGNATURE
    agent.save()
    ticket = email_ticket(customer, team=team, subject="Где мой заказ?", email={
        "mailbox_id": mailbox.pk, "references": ["root@example.com"],
        "cc": ["Olga <olga@example.test>", "billing@example.test",
               reply_address("support@example.test", 1)],
    })
    invoice = IncomingFile("счёт 发票.pdf", PDF, "application/pdf")
    _reply(ticket, agent, django_capture_on_commit_callbacks, files=[invoice])

    assert len(sink.received) == 1
    envelope = sink.received[0]
    assert envelope.mail_from == "support@example.test"
    assert sorted(envelope.rcpt_tos) == ["ivan@example.test", "olga@example.test"]
    mail = envelope.message
    outbound = OutboundEmail.objects.get()
    assert mail["From"] == "Acme Support <support@example.test>"
    assert mail["To"] == "ivan@example.test"
    assert mail["Cc"] == "olga@example.test"  # never our own mailboxes, plus-addressed or not
    assert mail["Reply-To"] == reply_address("support@example.test", ticket.pk)
    assert ticket_from_address(mail["Reply-To"]) == ticket.pk
    assert mail["Subject"] == f"Re: Где мой заказ? [#{ticket.pk}]"
    assert mail["Message-ID"] == f"<{outbound.message_id}>"
    assert outbound.message_id.endswith(f"@{settings.RAPPORT_EMAIL_DOMAIN}")
    assert mail["In-Reply-To"] == "<orig@example.com>"
    assert mail["References"] == "<root@example.com> <orig@example.com>"
    assert mail["X-Rapport-Loop"] == settings.RAPPORT_INSTANCE_ID
    assert mail["Auto-Submitted"] is None  # a person wrote this one
    assert mail["Date"]

    text = mail.get_body(("plain",)).get_content().replace("\r\n", "\n")
    html = mail.get_body(("html",)).get_content()
    assert text.startswith(REPLY_TEXT)
    assert text.rstrip("\n").endswith(f"\n-- \n{SIGNATURE}")
    assert "Ваш заказ отправлен." in html
    assert "您的订单已发货。" in html
    assert "Acme &lt;support&gt; &amp; Co" in html  # the signature is escaped, not markup
    attachments = list(mail.iter_attachments())
    assert [a.get_filename() for a in attachments] == ["счёт 发票.pdf"]
    assert attachments[0].get_content_type() == "application/pdf"
    assert attachments[0].get_content() == PDF

    outbound.refresh_from_db()
    assert (outbound.status, outbound.attempts, outbound.last_error) == ("sent", 1, "")
    assert outbound.sent_at is not None
    assert outbound.ticket_message == Message.objects.get(ticket=ticket, direction="outbound")
    assert ThreadKey.objects.filter(
        ticket=ticket, kind="sent", value=outbound.message_id
    ).exists()


def test_our_mail_coming_back_is_recognised_as_our_own_loop(
    sink, mailbox, customer, agent, team, django_capture_on_commit_callbacks
):
    ticket = email_ticket(customer, team=team)
    _reply(ticket, agent, django_capture_on_commit_callbacks)
    parsed = parse_message(sink.received[0].raw)
    context = FilterContext(
        instance_id=settings.RAPPORT_INSTANCE_ID,
        own_message_id_domains=frozenset({settings.RAPPORT_EMAIL_DOMAIN}),
    )
    assert OwnLoopFilter().apply(inbound_mail(parsed), context) is not None


def test_threading_follows_the_latest_inbound_mail(
    sink, mailbox, customer, agent, team, django_capture_on_commit_callbacks
):
    ticket = email_ticket(customer, team=team)
    services.post_reply(ticket, actor=customer, body=Body(text="Any news?"), metadata={
        "email": {"message_id": "<second@example.com>", "references": "<orig@example.com>",
                  "from": customer.email, "to": ["support@example.test"], "cc": []}
    })
    _reply(ticket, agent, django_capture_on_commit_callbacks)
    mail = sink.received[0].message
    assert mail["In-Reply-To"] == "<second@example.com>"
    assert mail["References"] == "<orig@example.com> <second@example.com>"


def test_without_inbound_mail_the_reply_continues_our_previous_mail(
    mailbox, customer, agent, team
):
    ticket = make_ticket(requester=customer, team=team, actor=agent)  # opened by the agent
    services.post_reply(ticket, actor=agent, body=Body(text="Your order is on its way."))
    services.post_reply(ticket, actor=agent, body=Body(text="One more thing."))
    first, second = OutboundEmail.objects.filter(ticket=ticket).order_by("pk")
    assert first.in_reply_to == ""
    assert second.in_reply_to == first.message_id
    assert second.references == first.message_id
    assert first.message_id != second.message_id


@pytest.mark.parametrize(("subject", "expected"), [
    ("Order", "Re: Order [#7]"),
    ("Re: RE: Order", "Re: Order [#7]"),
    ("Re[2]: Order [#7]", "Re: Order [#7]"),
    ("Ответ: Заказ", "Re: Заказ [#7]"),
    ("回复：订单", "Re: 订单 [#7]"),
    ("Refund request", "Re: Refund request [#7]"),
])
def test_reply_subject_never_doubles_the_prefix_or_the_number(subject, expected):
    assert reply_subject(subject, 7) == expected


def test_mailbox_is_the_one_written_to_then_the_teams_then_the_first(customer, agent, team):
    first = Mailbox.objects.create(name="First", address="first@example.test")
    team_box = Mailbox.objects.create(name="Team", address="team@example.test", team=team)
    written_to = Mailbox.objects.create(name="Sales", address="sales@example.test")

    def mailbox_of_reply(**email):
        ticket = email_ticket(customer, team=team, email=email)
        services.post_reply(ticket, actor=agent, body=Body(text="Hi"))
        return OutboundEmail.objects.get(ticket=ticket).mailbox

    assert mailbox_of_reply(mailbox_id=written_to.pk) == written_to
    assert mailbox_of_reply(mailbox_id=999_999) == team_box
    team_box.active = False
    team_box.save()
    assert mailbox_of_reply() == first


def test_without_any_mailbox_the_default_sender_is_used(customer, agent, team):
    ticket = email_ticket(customer, team=team)
    services.post_reply(ticket, actor=agent, body=Body(text="Hi"))
    outbound = OutboundEmail.objects.get()
    assert outbound.mailbox is None
    assert outbound.from_address == settings.DEFAULT_FROM_EMAIL
    assert outbound.reply_to == ""  # no mailbox receives replies, so none is promised


def test_reply_on_a_non_email_ticket_keeps_the_portal_notification(
    customer, agent, team, mailbox, django_capture_on_commit_callbacks, mailoutbox
):
    ticket = make_ticket(requester=customer, team=team, channel=Channel.WEB)
    _reply(ticket, agent, django_capture_on_commit_callbacks)
    assert not OutboundEmail.objects.exists()
    assert len(mailoutbox) == 1
    assert "/portal/access/" in mailoutbox[0].body


def test_internal_note_is_never_mailed(mailbox, customer, agent, team):
    ticket = email_ticket(customer, team=team)
    services.add_note(ticket, actor=agent, body=Body(text="Customer seems upset."))
    assert not OutboundEmail.objects.exists()


def test_reply_to_a_customer_without_address_is_refused_and_not_stored(agent, team):
    from rapport.contacts.tests.factories import CustomerFactory

    nobody = CustomerFactory(email="", identity=None)
    ticket = make_ticket(requester=nobody, team=team)
    with pytest.raises(InvalidInput) as exc:
        services.post_reply(ticket, actor=agent, body=Body(text="Hello?"))
    assert exc.value.code == "no_email_recipient"
    assert not Message.objects.filter(body_text="Hello?").exists()
    assert not OutboundEmail.objects.exists()


def test_replayed_history_queues_no_mail(mailbox, customer, agent, team):
    ticket = email_ticket(customer, team=team)
    with effects_suppressed():
        services.post_reply(ticket, actor=agent, body=Body(text="Sent years ago"))
    assert Message.objects.filter(body_text="Sent years ago").exists()
    assert not OutboundEmail.objects.exists()


def test_a_reply_no_agent_wrote_is_marked_automatic(
    sink, mailbox, customer, agent, team, django_capture_on_commit_callbacks
):
    ticket = email_ticket(customer, team=team, email={"mailbox_id": mailbox.pk})
    _reply(ticket, services.SYSTEM, django_capture_on_commit_callbacks,
           text="We have passed your request to a senior colleague.")
    _reply(ticket, agent, django_capture_on_commit_callbacks, text="Hello, Olga here.")
    by_rapport, by_agent = (s.message for s in sink.received)
    assert by_rapport["Auto-Submitted"] == "auto-replied"
    assert by_rapport["From"].endswith("<support@example.test>")
    assert by_agent["Auto-Submitted"] is None
