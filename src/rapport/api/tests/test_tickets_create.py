import pytest

from rapport.api.tests.helpers import assert_error, b64, post
from rapport.contacts.models import Customer
from rapport.tickets.models import CustomField, Direction, Priority, Status, Ticket

pytestmark = pytest.mark.django_db

URL = "/api/v1/tickets"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_create_for_a_new_email_opens_an_inbound_ticket(agent_api, agent, team):
    response = post(agent_api, URL, {
        "subject": "Parcel damaged", "body_text": "The box was crushed.",
        "requester_email": "Mila@Example.test", "requester_name": "Mila Jovanović",
        "priority": "high", "team_id": team.pk, "tags": ["Damaged", "courier"],
        "language": "sr",
    })
    assert response.status_code == 201, response.content
    body = response.json()
    ticket = Ticket.objects.get(pk=body["id"])
    assert body["status"] == Status.NEW
    assert body["priority"] == "high"
    assert body["channel"] == "api"
    assert body["language"] == "sr"
    assert body["tags"] == ["courier", "damaged"]
    assert body["team"] == {"id": team.pk, "name": "Billing"}
    assert body["requester"]["email"] == "mila@example.test"
    assert Customer.objects.get(email="mila@example.test").name == "Mila Jovanović"
    message = ticket.messages.get()
    assert message.direction == Direction.INBOUND
    assert message.author_customer_id == body["requester"]["id"]
    assert message.channel_metadata == {"submitted_by_agent": agent.pk}
    assert ticket.priority == Priority.HIGH


def test_create_from_agent_is_an_outbound_open_ticket(agent_api, agent, customer):
    response = post(agent_api, URL, {
        "subject": "Your refund", "body_html": "<p>Refund <b>sent</b><script>x()</script></p>",
        "requester_id": customer.pk, "from_agent": True, "channel": "phone",
        "assignee_id": agent.pk,
    })
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == Status.OPEN
    assert body["channel"] == "phone"
    assert body["assignee"]["username"] == "anna"
    message = Ticket.objects.get(pk=body["id"]).messages.get()
    assert message.direction == Direction.OUTBOUND
    assert message.author_user == agent
    assert "<script>" not in message.body_html
    assert "<b>sent</b>" in message.body_html


def test_create_with_existing_email_reuses_the_customer(agent_api, customer):
    response = post(agent_api, URL, {"subject": "Again", "body_text": "Hi",
                                     "requester_email": "IVAN@example.test"})
    assert response.json()["requester"]["id"] == customer.pk
    assert Customer.objects.count() == 1


def test_create_with_merged_requester_uses_the_survivor(agent_api, customer):
    from rapport.contacts.tests.factories import CustomerFactory

    old = CustomerFactory(merged_into=customer)
    response = post(agent_api, URL, {"subject": "x", "body_text": "y", "requester_id": old.pk})
    assert response.json()["requester"]["id"] == customer.pk


def test_create_with_custom_fields_and_attachment(agent_api, customer):
    CustomField.objects.create(key="order", label="Order", field_type="number")
    response = post(agent_api, URL, {
        "subject": "Photo", "requester_id": customer.pk, "custom_fields": {"order": "1042"},
        "attachments": [{"filename": "photo.png", "content_type": "text/html",
                         "content_base64": b64(PNG)}],
    })
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get(pk=response.json()["id"])
    assert response.json()["custom_fields"] == {"order": 1042}
    attachment = ticket.messages.get().attachments.get()
    assert attachment.filename == "photo.png"
    assert attachment.content_type == "image/png"
    assert attachment.file.read() == PNG


def test_attachment_too_large_is_400_and_creates_nothing(agent_api, customer, settings):
    settings.RAPPORT_MAX_ATTACHMENT_BYTES = 1024
    response = post(agent_api, URL, {
        "subject": "Big", "body_text": "see file", "requester_email": "new@example.test",
        "attachments": [{"filename": "dump.bin", "content_base64": b64(b"x" * 1025)}],
    })
    body = assert_error(response, 400, "file_too_large")
    assert body["details"] == {"filename": "dump.bin"}
    assert not Ticket.objects.exists()
    assert not Customer.objects.filter(email="new@example.test").exists()


def test_too_many_attachments_is_400(agent_api, customer, settings):
    settings.RAPPORT_MAX_ATTACHMENTS_PER_MESSAGE = 1
    files = [{"filename": f"{i}.txt", "content_base64": b64(b"hi")} for i in range(2)]
    response = post(agent_api, URL, {"subject": "x", "body_text": "y",
                                     "requester_id": customer.pk, "attachments": files})
    assert_error(response, 400, "too_many_files")


@pytest.mark.parametrize(("payload", "field"), [
    ({"body_text": "no subject", "requester_id": 1}, "subject"),
    ({"subject": "x", "body_text": "y"}, "payload"),
    ({"subject": "x", "requester_id": 1, "requester_email": "a@b.c"}, "payload"),
    ({"subject": "x", "requester_id": 1, "priority": "critical"}, "priority"),
    ({"subject": "x", "requester_id": 1, "channel": "pigeon"}, "channel"),
    ({"subject": "x", "requester_id": 1,
      "attachments": [{"filename": "a", "content_base64": "%%%"}]},
     "attachments.0.content_base64"),
])
def test_malformed_payload_is_422_with_field_details(agent_api, payload, field):
    body = assert_error(post(agent_api, URL, payload), 422, "invalid_payload")
    assert field in body["details"], body["details"]
    assert all(isinstance(m, list) for m in body["details"].values())


def test_body_that_is_not_json_is_422(agent_api):
    response = agent_api.post(URL, "{not json", content_type="application/json")
    assert assert_error(response, 422, "invalid_payload")["details"] == {
        "payload": ["not valid JSON"]
    }


@pytest.mark.parametrize(("payload", "code"), [
    ({"requester_id": 999999}, "unknown_requester"),
    ({"requester_email": "not-an-email"}, "invalid_email"),
    ({"requester_id": None, "requester_email": "a@b.test", "team_id": 999999}, "unknown_team"),
    ({"requester_email": "a@b.test", "assignee_id": 999999}, "unknown_agent"),
])
def test_unknown_references_are_400_domain_errors(agent_api, payload, code):
    data = {"subject": "x", "body_text": "y", **payload}
    assert_error(post(agent_api, URL, data), 400, code)
    assert not Ticket.objects.exists()


def test_empty_message_is_refused_by_the_service(agent_api, customer):
    response = post(agent_api, URL, {"subject": "x", "requester_id": customer.pk})
    assert_error(response, 400, "empty_message")


def test_invalid_custom_field_names_the_field(agent_api, customer):
    CustomField.objects.create(key="order", label="Order", field_type="number")
    response = post(agent_api, URL, {"subject": "x", "body_text": "y",
                                     "requester_id": customer.pk,
                                     "custom_fields": {"order": "many", "nope": 1}})
    body = assert_error(response, 400, "invalid_fields")
    assert set(body["details"]) == {"order", "nope"}
