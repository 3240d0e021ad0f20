from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from rapport.api.models import ApiToken
from rapport.api.services import create_token, revoke_token
from rapport.api.tests.helpers import assert_error, post
from rapport.portal.session import SESSION_KEY

pytestmark = pytest.mark.django_db

ME = "/api/v1/users/me"


def bearer(token):
    return Client(headers={"Authorization": f"Bearer {token}"})


def test_valid_token_authenticates_as_its_agent(agent, token_for):
    response = bearer(token_for(agent)).get(ME)
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "anna"
    assert body["token_name"] == "test token"
    assert "tickets:write" in body["scopes"]


def test_no_credentials_is_401_in_the_error_shape(db):
    response = Client().get("/api/v1/tickets")
    assert_error(response, 401, "unauthorized")
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_anonymous_post_is_401_not_csrf(db):
    assert_error(post(Client(), "/api/v1/tags", {"name": "x"}), 401, "unauthorized")


def test_revoked_token_is_refused(agent, token_for):
    plaintext = token_for(agent)
    revoke_token(ApiToken.objects.get(user=agent), agent)
    assert_error(bearer(plaintext).get(ME), 401, "unauthorized")


def test_expired_token_is_refused(agent):
    token, plaintext = create_token(agent, "x", ["users:read"], timezone.now() + timedelta(hours=1))
    assert bearer(plaintext).get(ME).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert_error(bearer(plaintext).get(ME), 401, "unauthorized")


@pytest.mark.parametrize("mangle", [
    lambda t: t[:-4] + "AAAA" if not t.endswith("AAAA") else t[:-4] + "BBBB",
    lambda t: t.replace("rpt_", "xyz_"),
    lambda t: t.split("_")[0] + "_" + t.split("_")[1],
    lambda t: "garbage",
])
def test_wrong_or_malformed_secret_is_refused(agent, token_for, mangle):
    plaintext = token_for(agent)
    assert_error(bearer(mangle(plaintext)).get(ME), 401, "unauthorized")


def test_inactive_agent_token_is_refused(agent, token_for):
    plaintext = token_for(agent)
    agent.is_active = False
    agent.save()
    assert_error(bearer(plaintext).get(ME), 401, "unauthorized")


def test_basic_scheme_is_not_a_token(agent, token_for):
    client = Client(headers={"Authorization": f"Basic {token_for(agent)}"})
    assert_error(client.get(ME), 401, "unauthorized")


@pytest.mark.parametrize(("method", "path", "scope"), [
    ("get", "/api/v1/tickets", "tickets:read"),
    ("post", "/api/v1/tickets", "tickets:write"),
    ("get", "/api/v1/customers", "customers:read"),
    ("post", "/api/v1/customers", "customers:write"),
    ("get", "/api/v1/users", "users:read"),
    ("get", "/api/v1/teams", "users:read"),
    ("get", "/api/v1/tags", "tickets:read"),
])
def test_missing_scope_is_403_insufficient_scope(agent, client_for, method, path, scope):
    client = client_for(agent, scopes=["customers:read"] if scope != "customers:read"
                        else ["tickets:read"])
    if method == "get":
        response = client.get(path)
    else:
        response = post(client, path, {"name": "x", "subject": "x", "requester_id": 1})
    body = assert_error(response, 403, "insufficient_scope")
    assert body["details"]["missing"] == [scope]


def test_last_used_is_recorded(agent, token_for):
    plaintext = token_for(agent)
    assert ApiToken.objects.get(user=agent).last_used_at is None
    bearer(plaintext).get(ME)
    assert ApiToken.objects.get(user=agent).last_used_at is not None


def test_session_of_signed_in_agent_is_accepted_with_csrf(agent, customer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(agent)
    response = client.get(ME)
    assert response.status_code == 200
    assert response.json()["token_name"] is None
    # Unsafe methods need the CSRF token, as in the agent UI.
    data = {"subject": "Phoned in", "body_text": "Printer on fire", "requester_id": customer.pk}
    assert_error(post(client, "/api/v1/tickets", data), 403, "csrf_failed")
    secret = "k" * 32  # Django accepts an unmasked secret equal to the cookie's
    client.cookies["csrftoken"] = secret
    response = post(client, "/api/v1/tickets", data, **{"X-CSRFToken": secret})
    assert response.status_code == 201, response.content


def test_session_of_deactivated_agent_is_refused(agent):
    client = Client()
    client.force_login(agent)
    agent.is_active = False
    agent.save()
    assert_error(client.get(ME), 401, "unauthorized")


def test_bad_token_is_refused_even_with_a_session(agent):
    client = Client(headers={"Authorization": "Bearer rpt_000000000000_nope"})
    client.force_login(agent)
    assert_error(client.get(ME), 401, "unauthorized")


def test_oversized_body_is_413(agent_api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = post(agent_api, "/api/v1/tags", {"name": "x", "description": "y" * 2000})
    body = assert_error(response, 413, "payload_too_large")
    assert body["details"] == {"max_bytes": 1000}


def test_portal_customer_session_has_no_api_access(customer, ticket):
    client = Client()
    session = client.session
    session[SESSION_KEY] = customer.pk  # what the portal's sign-in stores
    session.save()
    client.cookies["sessionid"] = session.session_key
    assert_error(client.get(f"/api/v1/tickets/{ticket.pk}"), 401, "unauthorized")
    assert_error(client.get("/api/v1/tickets"), 401, "unauthorized")
