"""What a signed-in customer may read: their own (or their company's) public story."""

import pytest
from django.urls import reverse

from rapport.contacts.tests.factories import CompanyFactory, CustomerFactory
from rapport.portal.tests.helpers import PNG, in_russian, sign_in_as
from rapport.tickets import services
from rapport.tickets.attachments import IncomingFile
from rapport.tickets.merging import merge_tickets
from rapport.tickets.models import Status
from rapport.tickets.services import Body
from rapport.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db

CLOSED_NOTE = "Это обращение закрыто."  # the fixture customer reads Russian


def ticket_with_file(requester, filename="invoice.txt", content=b"total: 10", kind="text/plain"):
    return services.create_ticket(
        actor=requester, requester=requester, subject=f"About {filename}",
        body=Body(text="See attached.", files=[IncomingFile(filename, content, kind)]),
        channel="web",
    )


def attachment_url(ticket):
    attachment = ticket.messages.get().attachments.get()
    return reverse("portal:attachment", args=[attachment.public_id])


def test_pages_need_a_signed_in_customer(client, ticket):
    for url in (reverse("portal:tickets"), reverse("portal:ticket", args=[ticket.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url == reverse("portal:request_link")


def test_another_customers_ticket_and_attachment_are_404(client, customer):
    stranger = CustomerFactory()
    theirs = ticket_with_file(stranger)
    sign_in_as(client, customer)
    assert client.get(reverse("portal:ticket", args=[theirs.pk])).status_code == 404
    assert client.post(
        reverse("portal:ticket", args=[theirs.pk]), {"message": "hi"}
    ).status_code == 404
    assert theirs.messages.count() == 1
    assert client.get(attachment_url(theirs)).status_code == 404
    assert "About invoice.txt" not in client.get(reverse("portal:tickets")).content.decode()


def test_attachment_of_an_internal_note_is_404(client, ticket, agent):
    services.add_note(ticket, actor=agent, body=Body(
        text="internal", files=[IncomingFile("notes.txt", b"secret", "text/plain")]
    ))
    note = ticket.messages.get(is_public=False)
    sign_in_as(client, ticket.requester)
    url = reverse("portal:attachment", args=[note.attachments.get().public_id])
    assert client.get(url).status_code == 404


def test_download_headers(client, customer):
    text_ticket = ticket_with_file(customer)
    image_ticket = ticket_with_file(customer, "photo.png", PNG, "image/png")
    sign_in_as(client, customer)
    download = client.get(attachment_url(text_ticket))
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert 'filename="invoice.txt"' in download.headers["Content-Disposition"]
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    image = client.get(attachment_url(image_ticket))
    assert image.headers["Content-Disposition"].startswith("inline;")
    assert image.headers["Content-Type"] == "image/png"
    assert image.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("shared", [True, False])
def test_company_sharing(client, shared):
    company = CompanyFactory(share_tickets=shared)
    me = CustomerFactory(company=company)
    colleague = CustomerFactory(company=company, name="Colleague Name")
    theirs = ticket_with_file(colleague)
    sign_in_as(client, me)
    listing = client.get(reverse("portal:tickets")).content.decode()
    detail = client.get(reverse("portal:ticket", args=[theirs.pk]))
    download = client.get(attachment_url(theirs))
    if shared:
        assert "About invoice.txt" in listing
        assert "Colleague Name" in listing
        assert detail.status_code == 200
        assert download.status_code == 200
    else:
        assert "About invoice.txt" not in listing
        assert detail.status_code == 404
        assert download.status_code == 404


def test_events_and_notes_are_never_shown(client, ticket, agent, other_team):
    services.add_note(ticket, actor=agent, body=Body(text="Customer sounds upset"))
    services.assign(ticket, actor=agent, assignee=agent, team=other_team, change_team=True)
    services.change_tags(ticket, actor=agent, add=["vip-escalation"])
    sign_in_as(client, ticket.requester)
    html = client.get(reverse("portal:ticket", args=[ticket.pk])).content.decode()
    assert "Hello, it is late." in html
    assert "Customer sounds upset" not in html
    assert "vip-escalation" not in html
    assert other_team.name not in html


def test_closed_ticket_offers_a_new_request_instead_of_a_reply(client, ticket, agent):
    services.set_status(ticket, actor=agent, status=Status.CLOSED)
    sign_in_as(client, ticket.requester)
    url = reverse("portal:ticket", args=[ticket.pk])
    html = client.get(url).content.decode()
    assert CLOSED_NOTE in html
    assert reverse("portal:contact") in html
    assert 'name="message"' not in html
    refused = client.post(url, {"message": "Hello again"})
    assert refused.status_code == 400
    assert CLOSED_NOTE in refused.content.decode()
    assert ticket.messages.count() == 1


def test_merged_ticket_redirects_to_the_surviving_one(client, customer, agent):
    target = make_ticket(requester=customer, subject="Refund")
    source = make_ticket(requester=customer, subject="Refund again")
    merge_tickets(source, target, actor=agent)
    sign_in_as(client, customer)
    response = client.get(reverse("portal:ticket", args=[source.pk]))
    assert response.url == reverse("portal:ticket", args=[target.pk])


def test_list_shows_customer_friendly_status(client, ticket, agent):
    services.set_status(ticket, actor=agent, status=Status.PENDING)
    sign_in_as(client, ticket.requester)
    html = client.get(reverse("portal:tickets")).content.decode()
    assert in_russian("Waiting for your reply") in html


def test_signed_in_language_switch_updates_the_customer(client, customer):
    sign_in_as(client, customer)
    client.post(reverse("portal:language"), {"language": "zh-hans"})
    customer.refresh_from_db()
    assert customer.language == "zh-hans"
    assert client.session["portal_language"] == "zh-hans"


def test_contact_form_is_prefilled_for_a_signed_in_customer(client, customer):
    sign_in_as(client, customer)
    html = client.get(reverse("portal:contact")).content.decode()
    assert 'value="ivan@example.test"' in html
    assert 'value="Ivan Petrov"' in html
