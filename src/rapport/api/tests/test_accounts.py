import pytest

from rapport.accounts.tests.factories import UserFactory
from rapport.api.tests.helpers import assert_error

pytestmark = pytest.mark.django_db


def test_users_lists_active_agents_with_teams(agent_api, agent, other_agent, team):
    UserFactory(username="gone", is_active=False)
    items = agent_api.get("/api/v1/users").json()["items"]
    assert [u["username"] for u in items] == ["anna", "boris"]
    assert items[0]["teams"] == [{"id": team.pk, "name": "Billing"}]
    assert items[0]["languages"] == ["en", "ru"]
    assert items[0]["role"] == "agent"
    by_team = agent_api.get("/api/v1/users", {"team": team.pk}).json()["items"]
    assert [u["username"] for u in by_team] == ["anna"]
    assert [u["username"] for u in agent_api.get("/api/v1/users", {"q": "bor"}).json()["items"]
            ] == ["boris"]


def test_me_shows_token_scopes(client_for, agent):
    body = client_for(agent, scopes=["users:read", "tickets:read"]).get("/api/v1/users/me").json()
    assert body["username"] == "anna"
    assert body["scopes"] == ["tickets:read", "users:read"]


def test_teams_list_members(agent_api, agent, other_agent, team, other_team):
    items = agent_api.get("/api/v1/teams").json()["items"]
    assert [(t["name"], t["member_ids"]) for t in items] == [
        ("Billing", [agent.pk]), ("Technical support", [other_agent.pk]),
    ]


def test_users_need_users_read(client_for, agent):
    client = client_for(agent, scopes=["tickets:read"])
    for path in ("/api/v1/users", "/api/v1/users/me", "/api/v1/teams"):
        assert_error(client.get(path), 403, "insufficient_scope")


def test_openapi_schema_and_docs_load(db):
    from django.test import Client

    client = Client()
    schema = client.get("/api/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in ("/api/v1/tickets", "/api/v1/tickets/{ticket_id}",
                 "/api/v1/tickets/{ticket_id}/timeline", "/api/v1/customers",
                 "/api/v1/users/me", "/api/v1/teams", "/api/v1/tags"):
        assert path in paths, path
    assert "Requires scope: tickets:write" in paths["/api/v1/tickets"]["post"]["description"]
    schemes = schema.json()["components"]["securitySchemes"]
    assert any(s.get("scheme") == "bearer" for s in schemes.values())
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    assert b"openapi.json" in docs.content
