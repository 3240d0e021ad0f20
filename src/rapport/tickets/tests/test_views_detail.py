import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rapport.contacts.tests.factories import CustomerFactory
from rapport.tickets import services
from rapport.tickets.models import Attachment, CustomField, EventKind, Message, Status
from rapport.tickets.services import Body
from rapport.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


def detail_url(ticket):
    return reverse("tickets:detail", args=[ticket.pk])


def prop_url(ticket, prop):
    return reverse("tickets:property", args=[ticket.pk, prop])


def test_ticket_page_shows_the_whole_timeline(agent_client, agent, ticket):
    services.post_reply(ticket, actor=agent, body=Body(html="<p>We <b>will</b> check.</p>"))
    services.add_note(ticket, actor=agent, body=Body(text="Customer is a VIP"))
    services.set_priority(ticket, actor=agent, priority=4)
    response = agent_client.get(detail_url(ticket))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Hello, it is late." in html
    assert "<p>We <b>will</b> check.</p>" in html  # sanitised HTML is rendered, not escaped
    assert 'class="message message-note"' in html
    assert "Customer is a VIP" in html
    assert "changed the priority from Normal to Urgent" in html
    assert "created the ticket via Email" in html
    kinds = [e.kind for e in response.context["entries"]]
    assert kinds == ["event", "message", "message", "event", "event", "message", "event"]


def test_ticket_of_another_team_is_404(client, other_agent, ticket):
    client.force_login(other_agent)
    assert client.get(detail_url(ticket)).status_code == 404
    assert client.post(prop_url(ticket, "status"), {"status": "solved"}).status_code == 404
    assert client.post(reverse("tickets:reply", args=[ticket.pk]),
                       {"kind": "reply", "body": "hi"}).status_code == 404
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW


def test_side_panel_shows_requester_and_their_visible_tickets(agent_client, ticket, customer,
                                                                team, other_team):
    chat = make_ticket(requester=customer, team=team, channel="chat", subject="Chat about it")
    hidden = make_ticket(requester=customer, team=other_team, subject="Secret other team")
    response = agent_client.get(detail_url(ticket))
    html = response.content.decode()
    assert "ivan@example.test" in html
    assert reverse("contacts:detail", args=[customer.pk]) in html
    assert list(response.context["other_tickets"]) == [chat]
    assert "Chat about it" in html
    assert hidden.subject not in html


def test_reply_with_attachment_and_status_after(agent_client, agent, ticket):
    upload = SimpleUploadedFile("scan.png", PNG, content_type="image/png")
    response = agent_client.post(reverse("tickets:reply", args=[ticket.pk]), {
        "kind": "reply", "body": "Here is the label.", "status": "pending", "files": [upload]})
    message = Message.objects.get(ticket=ticket, body_text="Here is the label.")
    assert response.status_code == 302
    assert response["Location"] == detail_url(ticket) + f"#message-{message.pk}"
    assert message.is_public
    assert message.author_user == agent
    assert [a.filename for a in message.attachments.all()] == ["scan.png"]
    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING
    assert ticket.assignee == agent


def test_note_is_internal_and_can_change_status(agent_client, ticket):
    upload = SimpleUploadedFile("notes.txt", b"internal", content_type="text/plain")
    agent_client.post(reverse("tickets:reply", args=[ticket.pk]), {
        "kind": "note", "body": "Check the warehouse", "status": "on_hold", "files": [upload]})
    note = Message.objects.get(ticket=ticket, body_text="Check the warehouse")
    assert note.is_public is False
    assert note.attachments.get().content_type == "text/plain"
    ticket.refresh_from_db()
    assert ticket.status == Status.ON_HOLD


def test_empty_reply_is_refused_with_the_page_again(agent_client, ticket):
    response = agent_client.post(reverse("tickets:reply", args=[ticket.pk]),
                                 {"kind": "reply", "body": "  "})
    assert response.status_code == 400
    assert response.context["composer"].errors
    assert ticket.messages.count() == 1


def test_oversized_attachment_is_refused(agent_client, ticket, settings):
    settings.RAPPORT_MAX_ATTACHMENT_BYTES = 10
    upload = SimpleUploadedFile("big.bin", b"x" * 11)
    response = agent_client.post(reverse("tickets:reply", args=[ticket.pk]),
                                 {"kind": "reply", "body": "see file", "files": [upload]})
    assert response.status_code == 400
    assert not Attachment.objects.exists()


def test_property_change_returns_fragment_with_updated_timeline(agent_client, ticket):
    response = agent_client.post(prop_url(ticket, "status"), {"status": "pending"},
                                 headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="ticket-properties"')
    assert 'id="timeline"' in html
    assert 'hx-swap-oob="true"' in html
    assert "changed the status from New to Pending" in html
    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING


def test_property_changes_call_the_verbs(agent_client, agent, ticket, other_team):
    CustomField.objects.create(key="order", label="Order number", field_type="number")
    hx = {"HX-Request": "true"}
    agent_client.post(prop_url(ticket, "priority"), {"priority": "3"}, headers=hx)
    agent_client.post(prop_url(ticket, "assignment"), {"team": ticket.team_id,
                                                       "assignee": agent.pk}, headers=hx)
    agent_client.post(prop_url(ticket, "tags"), {"add": "vip, Late"}, headers=hx)
    agent_client.post(prop_url(ticket, "tags"), {"remove": "vip"}, headers=hx)
    agent_client.post(prop_url(ticket, "fields"), {"cf_order": "12345"}, headers=hx)
    agent_client.post(prop_url(ticket, "subject"), {"subject": "Parcel late"}, headers=hx)
    ticket.refresh_from_db()
    assert ticket.priority == 3
    assert ticket.assignee == agent
    assert list(ticket.tags.values_list("name", flat=True)) == ["late"]
    assert ticket.custom_fields == {"order": 12345}
    assert ticket.subject == "Parcel late"
    kinds = list(ticket.events.values_list("kind", flat=True))
    for kind in (EventKind.PRIORITY, EventKind.ASSIGNED, EventKind.TAGS, EventKind.FIELDS,
                 EventKind.SUBJECT):
        assert kind in kinds


def test_invalid_property_value_shows_the_error(agent_client, ticket):
    CustomField.objects.create(key="order", label="Order number", field_type="number")
    response = agent_client.post(prop_url(ticket, "fields"), {"cf_order": "abc"},
                                 headers={"HX-Request": "true"})
    assert response.status_code == 400
    assert "Some fields are not valid." in response.content.decode()
    response = agent_client.post(prop_url(ticket, "status"), {"status": "nonsense"})
    assert response.status_code == 302  # without HTMX: back to the page, with a message
    assert agent_client.post(prop_url(ticket, "unknown"), {}).status_code == 404


def test_moving_ticket_out_of_view_redirects_to_inbox(agent_client, ticket, other_team):
    response = agent_client.post(prop_url(ticket, "assignment"), {"team": other_team.pk},
                                 headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == reverse("tickets:inbox")
    ticket.refresh_from_db()
    assert ticket.team == other_team


def test_merge_into_another_visible_ticket(agent_client, customer, team, ticket):
    target = make_ticket(requester=customer, team=team, subject="Main ticket")
    response = agent_client.post(reverse("tickets:merge", args=[ticket.pk]),
                                 {"target": target.pk})
    assert response.status_code == 302
    assert response["Location"] == detail_url(target)
    ticket.refresh_from_db()
    assert ticket.merged_into == target
    assert ticket.status == Status.CLOSED
    page = agent_client.get(detail_url(ticket)).content.decode()
    assert f'href="{detail_url(target)}"' in page
    assert 'id="composer"' not in page  # the conversation continues on the target


def test_merge_into_invisible_ticket_is_refused(agent_client, ticket, other_team):
    hidden = make_ticket(team=other_team)
    response = agent_client.post(reverse("tickets:merge", args=[ticket.pk]),
                                 {"target": hidden.pk})
    assert response.status_code == 400
    ticket.refresh_from_db()
    assert ticket.merged_into is None


def attach(ticket, agent, name, content, content_type):
    upload = Body(text="file", files=[services.IncomingFile(name, content, content_type)])
    return services.add_note(ticket, actor=agent, body=upload).attachments.get()


def test_attachment_download_headers(agent_client, agent, ticket):
    pdf = attach(ticket, agent, "invoice.pdf", b"%PDF-1.4 test", "application/pdf")
    response = agent_client.get(reverse("tickets:attachment", args=[pdf.public_id]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert 'filename="invoice.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"%PDF-1.4 test"
    image = attach(ticket, agent, "photo.png", PNG, "image/png")
    response = agent_client.get(reverse("tickets:attachment", args=[image.public_id]))
    assert response["Content-Disposition"].startswith("inline;")
    assert response["Content-Type"] == "image/png"


def test_html_attachment_is_never_inline(agent_client, agent, ticket):
    page = attach(ticket, agent, "page.html", b"<script>alert(1)</script>", "text/html")
    response = agent_client.get(reverse("tickets:attachment", args=[page.public_id]))
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/octet-stream"


def test_attachment_of_another_team_is_404(client, agent, other_agent, ticket):
    pdf = attach(ticket, agent, "invoice.pdf", b"%PDF-1.4", "application/pdf")
    client.force_login(other_agent)
    assert client.get(reverse("tickets:attachment", args=[pdf.public_id])).status_code == 404
    assert client.get(reverse("tickets:attachment", args=["nope"])).status_code == 404


def test_customer_html_is_sanitised_on_the_page(agent_client, team):
    customer = CustomerFactory()
    ticket = services.create_ticket(
        actor=customer, requester=customer, subject="x", channel="email", team=team,
        body=Body(html='<p onclick="x()">Hi<script>alert(1)</script></p>'),
    )
    html = agent_client.get(detail_url(ticket)).content.decode()
    assert "alert(1)" not in html
    assert 'onclick="x()"' not in html
