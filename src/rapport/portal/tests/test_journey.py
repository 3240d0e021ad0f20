"""The whole customer journey through the portal, with the test client."""

import re

import pytest
from django.urls import reverse

from rapport.contacts.models import Customer
from rapport.portal.models import PortalLink
from rapport.portal.session import SESSION_KEY
from rapport.portal.tests.helpers import (
    PNG,
    contact_data,
    in_russian,
    links_in,
    png_upload,
    sign_in_as,
)
from rapport.tickets import services
from rapport.tickets.models import Attachment, Channel, Direction, Status, Ticket
from rapport.tickets.services import Body

pytestmark = pytest.mark.django_db


def _submit(client, capture, **overrides):
    data = contact_data(**overrides)
    with capture(execute=True):
        return client.post(reverse("portal:contact"), data)


def test_contact_page_is_standalone_and_has_no_inline_style_or_script(client):
    response = client.get(reverse("portal:contact"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="hp"' in html
    assert 'name="website"' in html
    assert 'name="started"' in html
    assert "style=" not in html
    # Only files of our own (the article suggestions); nothing inline for the CSP to allow.
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts == ['<script src="/static/search/suggest.js" defer>']
    assert "<style" not in html
    assert "portal/portal.css" in html
    assert 'name="viewport"' in html
    assert "Content-Security-Policy" in response.headers


def test_full_journey(client, agent, django_capture_on_commit_callbacks, mailoutbox):
    data = contact_data(attachments=[png_upload()])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal:contact"), data)
    assert response.status_code == 302
    assert response.url == reverse("portal:thanks")

    ticket = Ticket.objects.get()
    customer = Customer.objects.get(email="marta@example.test")
    assert ticket.requester == customer
    assert ticket.channel == Channel.WEB
    assert ticket.status == Status.NEW
    assert ticket.subject == "Parcel arrived damaged"
    assert customer.name == "Marta Jovanović"
    message = ticket.messages.get()
    assert message.direction == Direction.INBOUND
    assert "cup inside is broken" in message.body_text
    attachment = Attachment.objects.get(message=message)
    assert attachment.filename == "photo.png"
    assert attachment.content_type == "image/png"

    thanks = client.get(response.url).content.decode()
    assert f"#{ticket.pk}" in thanks
    assert "marta@example.test" in thanks

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["marta@example.test"]
    assert f"[#{ticket.pk}]" in mail.subject
    assert mail.extra_headers["Auto-Submitted"] == "auto-generated"
    [path] = links_in(mail.body)

    # Opening the link only asks; a mail scanner's prefetch leaves it usable.
    confirm = client.get(path)
    assert confirm.status_code == 200
    assert "<form" in confirm.content.decode()
    assert PortalLink.objects.get().used_at is None
    assert SESSION_KEY not in client.session

    signed_in = client.post(path)
    assert signed_in.status_code == 302
    assert signed_in.url == reverse("portal:ticket", args=[ticket.pk])
    assert client.session[SESSION_KEY] == customer.pk

    listing = client.get(reverse("portal:tickets")).content.decode()
    assert "Parcel arrived damaged" in listing
    assert f"#{ticket.pk}" in listing

    detail = client.get(signed_in.url).content.decode()
    assert "cup inside is broken" in detail
    download = client.get(reverse("portal:attachment", args=[attachment.public_id]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PNG

    services.add_note(ticket, actor=agent, body=Body(text="Internal: check the courier"))
    with django_capture_on_commit_callbacks(execute=True):
        services.post_reply(ticket, actor=agent, body=Body(text="We are sending a new cup."))
    detail = client.get(signed_in.url).content.decode()
    assert "We are sending a new cup." in detail
    assert "check the courier" not in detail
    assert len(mailoutbox) == 2
    assert links_in(mailoutbox[1].body)

    reply = client.post(signed_in.url, {"message": "Thank you, that is kind."})
    assert reply.status_code == 302
    latest = ticket.messages.order_by("-seq").first()
    assert latest.author_customer == customer
    assert latest.direction == Direction.INBOUND
    assert "that is kind" in client.get(signed_in.url).content.decode()


def test_customer_reply_with_attachment_reopens_solved_ticket(
    client, agent, django_capture_on_commit_callbacks
):
    _submit(client, django_capture_on_commit_callbacks)
    ticket = Ticket.objects.get()
    services.post_reply(ticket, actor=agent, body=Body(text="Done."), status=Status.SOLVED)
    sign_in_as(client, ticket.requester, ticket)
    page = client.get(reverse("portal:ticket", args=[ticket.pk])).content.decode()
    assert "Replying opens it again" in page
    response = client.post(
        reverse("portal:ticket", args=[ticket.pk]),
        {"message": "", "attachments": [png_upload("receipt.png")]},
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert ticket.messages.order_by("-seq").first().attachments.get().filename == "receipt.png"


def test_empty_reply_is_refused(client, ticket):
    sign_in_as(client, ticket.requester)
    response = client.post(reverse("portal:ticket", args=[ticket.pk]), {"message": "  "})
    assert response.status_code == 400
    assert in_russian("Write a reply or attach a file.") in response.content.decode()
    assert ticket.messages.count() == 1
