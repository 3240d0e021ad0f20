import pytest

from rapport.api.tests.helpers import assert_error
from rapport.contacts.tests.factories import CustomerFactory
from rapport.tickets import services
from rapport.tickets.models import Channel, Priority, Status
from rapport.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db

URL = "/api/v1/tickets"


def ids(response):
    assert response.status_code == 200, response.content
    return [t["id"] for t in response.json()["items"]]


def test_get_ticket_has_tags_fields_requester_assignee_team(agent_api, agent, ticket, team):
    services.assign(ticket, actor=agent, assignee=agent)
    services.change_tags(ticket, actor=agent, add=["vip"])
    response = agent_api.get(f"{URL}/{ticket.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == ticket.pk
    assert body["subject"] == "Where is my order?"
    assert body["tags"] == ["vip"]
    assert body["custom_fields"] == {}
    assert body["requester"] == {"id": ticket.requester_id, "name": "Ivan Petrov",
                                 "email": "ivan@example.test"}
    assert body["assignee"]["id"] == agent.pk
    assert body["team"] == {"id": team.pk, "name": "Billing"}
    assert body["priority"] == "normal"
    assert body["status"] == "new"


def test_ticket_of_another_team_is_404_not_403(other_api, ticket):
    assert_error(other_api.get(f"{URL}/{ticket.pk}"), 404, "not_found")
    assert_error(other_api.get(f"{URL}/{ticket.pk}/timeline"), 404, "not_found")
    assert_error(other_api.patch(f"{URL}/{ticket.pk}", {"subject": "x"},
                                 content_type="application/json"), 404, "not_found")
    assert_error(other_api.get(f"{URL}/999999"), 404, "not_found")


def test_supervisor_sees_every_team(client_for, supervisor, ticket):
    assert client_for(supervisor).get(f"{URL}/{ticket.pk}").status_code == 200


def test_list_is_scoped_to_visible_tickets(agent_api, ticket, other_team):
    hidden = make_ticket(team=other_team)
    listed = ids(agent_api.get(URL))
    assert ticket.pk in listed
    assert hidden.pk not in listed


def test_list_filters_like_the_inbox(agent_api, agent, team, customer):
    urgent = make_ticket(team=team, priority=Priority.URGENT, channel=Channel.CHAT)
    mine = make_ticket(team=team, requester=customer)
    services.assign(mine, actor=agent, assignee=agent)
    services.change_tags(mine, actor=agent, add=["refund"])
    services.set_status(mine, actor=agent, status=Status.PENDING)
    solved = make_ticket(team=team, subject="Invoice copy")
    services.set_status(solved, actor=agent, status=Status.SOLVED)

    assert ids(agent_api.get(URL, {"priority": "urgent"})) == [urgent.pk]
    assert ids(agent_api.get(URL, {"channel": "chat"})) == [urgent.pk]
    assert ids(agent_api.get(URL, {"assignee": "me"})) == [mine.pk]
    assert ids(agent_api.get(URL, {"view": "my_open"})) == [mine.pk]
    assert ids(agent_api.get(URL, {"tag": "Refund"})) == [mine.pk]
    assert ids(agent_api.get(URL, {"requester": customer.pk})) == [mine.pk]
    assert ids(agent_api.get(URL, {"view": "solved"})) == [solved.pk]
    assert ids(agent_api.get(URL, {"view": "pending"})) == [mine.pk]
    assert ids(agent_api.get(URL, {"q": "invoice"})) == [solved.pk]
    assert ids(agent_api.get(URL, {"q": f"#{urgent.pk}"})) == [urgent.pk]
    assert set(ids(agent_api.get(URL, {"status": ["new", "solved"]}))) == {urgent.pk, solved.pk}
    assert set(ids(agent_api.get(URL + "?status=new,solved"))) == {urgent.pk, solved.pk}
    assert set(ids(agent_api.get(URL, {"assignee": "none"}))) == {urgent.pk, solved.pk}
    assert ids(agent_api.get(URL, {"sort": "priority"}))[0] == urgent.pk


@pytest.mark.parametrize("query", [
    {"limit": 101}, {"limit": 0}, {"status": "bogus"}, {"view": "everything"},
    {"assignee": "someone"}, {"sort": "random"}, {"priority": "critical"},
])
def test_bad_filters_are_422(agent_api, query):
    body = assert_error(agent_api.get(URL, query), 422, "invalid_payload")
    assert set(body["details"]) <= {"limit", "status.0", "view", "assignee", "sort",
                                    "priority.0"}


def test_bad_cursor_is_400(agent_api):
    assert_error(agent_api.get(URL, {"cursor": "not-a-cursor"}), 400, "invalid_cursor")


@pytest.mark.parametrize("sort", ["updated", "created", "priority"])
def test_cursor_pagination_walks_every_page_once(agent_api, team, sort):
    expected = {make_ticket(team=team, priority=1 + i % 4).pk for i in range(23)}
    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 5, "sort": sort, **({"cursor": cursor} if cursor else {})}
        response = agent_api.get(URL, params)
        page = response.json()
        seen += [t["id"] for t in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == 5
    assert len(seen) == len(set(seen)) == 23
    assert set(seen) == expected


def test_list_query_count_does_not_grow_with_the_page(
    agent_api, agent, team, django_assert_max_num_queries
):
    for i in range(30):
        t = make_ticket(team=team, requester=CustomerFactory())
        services.change_tags(t, actor=agent, add=[f"tag{i % 3}", "all"])
        services.assign(t, actor=agent, assignee=agent)
    agent_api.get(URL, {"limit": 1})  # first call records last_used_at
    # token + the agent's team ids + page (requester, assignee, team joined) + tags prefetch
    with django_assert_max_num_queries(4):
        response = agent_api.get(URL, {"limit": 100})
    assert len(response.json()["items"]) == 30
    assert all(len(t["tags"]) == 2 and t["assignee"] for t in response.json()["items"])


def test_timeline_has_messages_notes_events_and_attachment_urls(agent_api, agent, ticket):
    services.add_note(ticket, actor=agent, body=services.Body(text="Check the courier"))
    services.post_reply(ticket, actor=agent, body=services.Body(
        text="Photo attached",
        files=[services.IncomingFile("label.png", b"\x89PNG\r\n\x1a\n0000", "image/png")],
    ))
    response = agent_api.get(f"{URL}/{ticket.pk}/timeline")
    assert response.status_code == 200
    items = response.json()["items"]
    assert [i["seq"] for i in items] == sorted(i["seq"] for i in items)
    messages = [i for i in items if i["type"] == "message"]
    events = [i for i in items if i["type"] == "event"]
    assert [m["is_public"] for m in messages] == [True, False, True]
    assert messages[0]["author"] == {"type": "customer", "id": ticket.requester_id,
                                     "name": "Ivan Petrov"}
    assert messages[1]["body_text"] == "Check the courier"
    assert messages[1]["author"]["type"] == "agent"
    attachment = messages[2]["attachments"][0]
    assert attachment["filename"] == "label.png"
    assert attachment["size"] == 12
    assert attachment["url"] == f"http://testserver/tickets/attachments/{attachment['id']}/"
    assert {"created", "status", "assigned"} <= {e["kind"] for e in events}
