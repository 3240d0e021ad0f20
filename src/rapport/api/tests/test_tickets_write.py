import pytest

from rapport.api.tests.helpers import assert_error, b64, patch, post
from rapport.tickets import services
from rapport.tickets.models import CustomField, EventKind, Message, Priority, Status, Tag
from rapport.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db

URL = "/api/v1/tickets"


def kinds(ticket):
    return list(ticket.events.order_by("seq").values_list("kind", flat=True))


def test_patch_changes_each_field_through_its_verb(agent_api, agent, ticket, other_team):
    CustomField.objects.create(key="order", label="Order", field_type="text")
    response = patch(agent_api, f"{URL}/{ticket.pk}", {
        "subject": "Order 1042 is late", "priority": "urgent", "assignee_id": agent.pk,
        "tags": {"add": ["late", "vip"]}, "custom_fields": {"order": "1042"},
        "status": "pending",
    })
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["subject"] == "Order 1042 is late"
    assert body["priority"] == "urgent"
    assert body["status"] == "pending"
    assert body["assignee"]["id"] == agent.pk
    assert body["tags"] == ["late", "vip"]
    assert body["custom_fields"] == {"order": "1042"}
    ticket.refresh_from_db()
    assert ticket.priority == Priority.URGENT
    assert ticket.status == Status.PENDING
    assert kinds(ticket) == [EventKind.CREATED, EventKind.SUBJECT, EventKind.ASSIGNED,
                             EventKind.PRIORITY, EventKind.TAGS, EventKind.FIELDS,
                             EventKind.STATUS]


def test_patch_only_touches_present_fields(agent_api, agent, ticket, team):
    services.assign(ticket, actor=agent, assignee=agent)
    response = patch(agent_api, f"{URL}/{ticket.pk}", {"team_id": None})
    body = response.json()
    assert body["team"] is None
    assert body["assignee"]["id"] == agent.pk
    response = patch(agent_api, f"{URL}/{ticket.pk}", {"assignee_id": None})
    assert response.json()["assignee"] is None
    assert response.json()["team"] is None


def test_patch_moving_to_another_team_answers_with_the_new_state(agent_api, ticket, other_team):
    response = patch(agent_api, f"{URL}/{ticket.pk}", {"team_id": other_team.pk})
    assert response.status_code == 200
    assert response.json()["team"]["id"] == other_team.pk
    # …and from now on the ticket is out of this agent's sight.
    assert agent_api.get(f"{URL}/{ticket.pk}").status_code == 404


def test_patch_tags_set_replaces_them(agent_api, agent, ticket):
    services.change_tags(ticket, actor=agent, add=["a", "b"])
    response = patch(agent_api, f"{URL}/{ticket.pk}", {"tags": {"set": ["B", "c"]}})
    assert response.json()["tags"] == ["b", "c"]
    event = ticket.events.filter(kind=EventKind.TAGS).last()
    assert event.data == {"added": ["c"], "removed": ["a"]}


def test_patch_is_one_transaction(agent_api, ticket):
    CustomField.objects.create(key="order", label="Order", field_type="number")
    response = patch(agent_api, f"{URL}/{ticket.pk}", {
        "subject": "Changed", "priority": "high", "custom_fields": {"order": "lots"},
    })
    assert_error(response, 400, "invalid_fields")
    ticket.refresh_from_db()
    assert ticket.subject == "Where is my order?"
    assert ticket.priority == Priority.NORMAL
    assert kinds(ticket) == [EventKind.CREATED]


@pytest.mark.parametrize(("payload", "field"), [
    ({"subject": None}, "subject"), ({"subject": ""}, "subject"),
    ({"status": "archived"}, "status"), ({"priority": None}, "priority"),
    ({"tags": {"set": ["a"], "add": ["b"]}}, "tags"),
])
def test_patch_malformed_is_422(agent_api, ticket, payload, field):
    body = assert_error(patch(agent_api, f"{URL}/{ticket.pk}", payload), 422, "invalid_payload")
    assert field in body["details"]


def test_patch_closed_ticket_status_is_a_domain_error(agent_api, agent, ticket):
    services.set_status(ticket, actor=agent, status=Status.CLOSED)
    assert_error(patch(agent_api, f"{URL}/{ticket.pk}", {"status": "open"}), 400, "ticket_closed")


def test_reply_posts_public_message_and_changes_status(agent_api, agent, ticket):
    response = post(agent_api, f"{URL}/{ticket.pk}/reply", {
        "body_text": "We found it.", "status": "pending",
        "attachments": [{"filename": "label.txt", "content_base64": b64(b"TRACK-1")}],
    })
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["type"] == "message"
    assert body["is_public"]
    assert body["direction"] == "outbound"
    assert body["author"]["id"] == agent.pk
    assert body["attachments"][0]["filename"] == "label.txt"
    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING
    assert ticket.assignee == agent


def test_note_is_internal(agent_api, ticket):
    response = post(agent_api, f"{URL}/{ticket.pk}/notes", {"body_html": "<p>VIP</p>"})
    assert response.status_code == 201
    note = Message.objects.get(pk=response.json()["id"])
    assert not note.is_public
    assert note.channel == "internal"


def test_reply_and_note_on_invisible_ticket_are_404(other_api, ticket):
    assert_error(post(other_api, f"{URL}/{ticket.pk}/reply", {"body_text": "x"}), 404,
                 "not_found")
    assert_error(post(other_api, f"{URL}/{ticket.pk}/notes", {"body_text": "x"}), 404,
                 "not_found")
    assert not Message.objects.filter(ticket=ticket, direction="outbound").exists()


def test_empty_reply_is_400(agent_api, ticket):
    assert_error(post(agent_api, f"{URL}/{ticket.pk}/reply", {"body_text": " "}), 400,
                 "empty_message")


def test_merge_moves_messages_into_target(agent_api, ticket, team, customer):
    target = make_ticket(team=team, requester=customer, subject="Original")
    response = post(agent_api, f"{URL}/{ticket.pk}/merge", {"target_id": target.pk})
    assert response.status_code == 200, response.content
    assert response.json()["id"] == target.pk
    ticket.refresh_from_db()
    assert ticket.merged_into_id == target.pk
    assert ticket.status == Status.CLOSED
    assert target.messages.count() == 2
    assert_error(post(agent_api, f"{URL}/{ticket.pk}/merge", {"target_id": target.pk}), 400,
                 "already_merged")


def test_merge_into_invisible_target_is_404(agent_api, ticket, other_team):
    hidden = make_ticket(team=other_team)
    response = post(agent_api, f"{URL}/{ticket.pk}/merge", {"target_id": hidden.pk})
    assert_error(response, 404, "not_found")
    ticket.refresh_from_db()
    assert ticket.merged_into_id is None


def test_merge_into_itself_is_400(agent_api, ticket):
    assert_error(post(agent_api, f"{URL}/{ticket.pk}/merge", {"target_id": ticket.pk}), 400,
                 "merge_self")


def test_tags_list_and_create(agent_api):
    Tag.objects.create(name="refund")
    response = post(agent_api, "/api/v1/tags", {"name": " Late-Carrier ", "description": "Why"})
    assert response.status_code == 201
    assert response.json()["name"] == "late-carrier"
    assert_error(post(agent_api, "/api/v1/tags", {"name": "REFUND"}), 409, "tag_exists")
    names = [t["name"] for t in agent_api.get("/api/v1/tags").json()["items"]]
    assert names == ["late-carrier", "refund"]
    assert [t["name"] for t in agent_api.get("/api/v1/tags", {"q": "ref"}).json()["items"]] == [
        "refund"
    ]
