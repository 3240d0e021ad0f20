"""The original of an inbound mail: for agents who see the ticket, remote images on request."""

import pytest

from rapport.channels.email.models import Mailbox
from rapport.channels.email.tests.mailmaker import deliver


@pytest.fixture
def mailbox(team):
    return Mailbox.objects.create(
        name="Support", address="support@example.com", team=team, acknowledge_new=False
    )


HTML_MAIL = (
    b"From: Ivan <ivan@example.test>\r\nTo: support@example.com\r\nSubject: Photo\r\n"
    b"Message-ID: <p1@example.test>\r\nMIME-Version: 1.0\r\n"
    b"Content-Type: text/html; charset=utf-8\r\n\r\n"
    b"<p>\xd0\x9f\xd1\x80\xd0\xb8\xd0\xb2\xd0\xb5\xd1\x82</p>"
    b'<img src="https://tracker.example/pixel.png" alt="logo"><script>alert(1)</script>\r\n'
)


@pytest.fixture
def inbound(mailbox):
    return deliver(HTML_MAIL, mailbox)


def test_the_timeline_explains_the_mail_and_links_the_original(client, agent, inbound):
    client.force_login(agent)
    page = client.get(f"/tickets/{inbound.ticket.pk}/").content.decode()
    assert "New ticket: no earlier conversation found." in page
    assert f"/email/messages/{inbound.message.pk}/original/" in page
    assert '<img src="https://tracker.example' not in page
    assert "Show the original with its remote images" in page


def test_original_shows_the_mail_without_remote_images(client, agent, inbound):
    client.force_login(agent)
    response = client.get(f"/email/messages/{inbound.message.pk}/original/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Привет" in body
    assert "<script>alert" not in body
    assert '<img src="https://tracker.example' not in body
    assert "img-src 'self' data:;" in response["Content-Security-Policy"]


def test_remote_images_load_only_when_asked(client, agent, inbound):
    client.force_login(agent)
    response = client.get(f"/email/messages/{inbound.message.pk}/original/?images=1")
    body = response.content.decode()
    assert '<img src="https://tracker.example/pixel.png"' in body
    assert 'referrerpolicy="no-referrer"' in body
    assert "https:" in response["Content-Security-Policy"]
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_raw_download_is_the_exact_bytes(client, agent, inbound):
    client.force_login(agent)
    response = client.get(f"/email/messages/{inbound.message.pk}/raw/")
    assert response.status_code == 200
    assert response.content == HTML_MAIL
    assert response["Content-Disposition"].startswith("attachment")


def test_an_agent_of_another_team_gets_404(client, other_agent, inbound):
    client.force_login(other_agent)
    assert client.get(f"/email/messages/{inbound.message.pk}/original/").status_code == 404
    assert client.get(f"/email/messages/{inbound.message.pk}/raw/").status_code == 404


def test_customers_and_anonymous_are_refused(client, inbound):
    response = client.get(f"/email/messages/{inbound.message.pk}/original/")
    assert response.status_code in (302, 403)
