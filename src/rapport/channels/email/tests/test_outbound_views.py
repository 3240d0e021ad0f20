"""The timeline shows each emailed reply's delivery state; a failed one can be retried."""

import pytest
from django.test import Client
from django.urls import reverse

from rapport.channels.email.models import OutboundEmail
from rapport.channels.email.tests.smtp_sink import SmtpSink, email_ticket, free_port, sink_mailbox
from rapport.tickets import services
from rapport.tickets.services import Body

HTMX = {"HX-Request": "true"}


@pytest.fixture
def failed(customer, agent, team):
    """A reply whose mail could not be delivered."""
    sink_mailbox(free_port(), team=team)
    ticket = email_ticket(customer, team=team)
    services.post_reply(ticket, actor=agent, body=Body(text="Your refund is on its way."))
    outbound = OutboundEmail.objects.get(ticket=ticket)
    OutboundEmail.objects.filter(pk=outbound.pk).update(
        status="failed", attempts=1, last_error="SMTPServerDisconnected: went away"
    )
    outbound.refresh_from_db()
    return outbound


def _url(outbound):
    return reverse("email_outbound:retry", args=[outbound.pk])


def test_timeline_shows_the_failure_and_a_retry_button(client, agent, failed):
    client.force_login(agent)
    page = client.get(reverse("tickets:detail", args=[failed.ticket_id])).content.decode()
    assert f'id="outbound-{failed.pk}"' in page
    assert "Email not delivered" in page
    assert "SMTPServerDisconnected: went away" in page
    assert f'hx-post="{_url(failed)}"' in page


def test_timeline_shows_a_sent_mail_without_a_retry_button(client, agent, failed):
    OutboundEmail.objects.filter(pk=failed.pk).update(status="sent", sent_at=failed.created_at)
    client.force_login(agent)
    page = client.get(reverse("tickets:detail", args=[failed.ticket_id])).content.decode()
    assert "Email sent" in page
    assert _url(failed) not in page


def test_agent_who_cannot_see_the_ticket_gets_404(client, other_agent, failed):
    client.force_login(other_agent)
    assert client.post(_url(failed), headers=HTMX).status_code == 404
    failed.refresh_from_db()
    assert failed.status == "failed"


def test_retry_needs_post(client, agent, failed):
    client.force_login(agent)
    assert client.get(_url(failed)).status_code == 405


def test_retry_needs_the_csrf_token(agent, failed):
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)
    assert client.post(_url(failed), headers=HTMX).status_code == 403
    failed.refresh_from_db()
    assert failed.status == "failed"


def test_anonymous_is_sent_to_sign_in(client, failed):
    response = client.post(_url(failed))
    assert response.status_code == 302  # to sign-in
    assert "/accounts/" in response["Location"]


def test_htmx_retry_sends_the_mail_and_returns_the_fragment(
    client, agent, failed, django_capture_on_commit_callbacks
):
    client.force_login(agent)
    port = failed.mailbox.smtp_port
    with SmtpSink(port) as sink, django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(failed), headers=HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith(f'<div id="outbound-{failed.pk}"')
    assert "Email queued" in body  # the job runs after the response's transaction commits
    assert len(sink.received) == 1
    failed.refresh_from_db()
    assert failed.status == "sent"


def test_plain_form_retry_redirects_to_the_ticket(client, agent, failed):
    client.force_login(agent)
    response = client.post(_url(failed))
    assert response.status_code == 302
    assert response["Location"] == reverse("tickets:detail", args=[failed.ticket_id])
    failed.refresh_from_db()
    assert failed.status == "queued"


def test_retrying_a_mail_that_did_not_fail_explains_why(client, agent, failed):
    OutboundEmail.objects.filter(pk=failed.pk).update(status="sent")
    client.force_login(agent)
    response = client.post(_url(failed), headers=HTMX)
    assert response.status_code == 400
    assert "Only a mail whose delivery failed can be sent again." in response.content.decode()
