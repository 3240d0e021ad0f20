import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from rapport.api.models import ApiToken
from rapport.api.services import create_token, usable_token
from rapport.audit.models import AuditEntry

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")
PASSWORD = "correct horse battery staple"


def test_sign_in_page_renders_for_anonymous(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="username"' in html
    assert 'autocomplete="current-password"' in html
    assert reverse("set_language") in html  # a language switch even before signing in


def test_sign_in_is_audited_with_ip(client, agent):
    response = client.post(LOGIN, {"username": "anna", "password": PASSWORD},
                           REMOTE_ADDR="203.0.113.7")
    assert response.status_code == 302
    assert response["Location"] == reverse("tickets:inbox")
    entry = AuditEntry.objects.get(action="auth.login")
    assert entry.actor == agent
    assert entry.ip_address == "203.0.113.7"


def test_signed_in_agent_skips_the_sign_in_page(client, agent):
    client.force_login(agent)
    assert client.get(LOGIN)["Location"] == reverse("tickets:inbox")


def test_failed_sign_in_is_audited_without_the_password(client, agent):
    response = client.post(LOGIN, {"username": "anna", "password": "wrong"},
                           REMOTE_ADDR="203.0.113.8")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    entry = AuditEntry.objects.get(action="auth.login_failed")
    assert entry.actor is None
    assert entry.actor_repr == "anna"
    assert entry.data == {"username": "anna"}
    assert entry.ip_address == "203.0.113.8"
    assert "wrong" not in str(entry.data)


def test_sign_out_is_post_only_and_audited(client, agent):
    client.force_login(agent)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == LOGIN
    entry = AuditEntry.objects.get(action="auth.logout")
    assert entry.actor == agent
    assert client.get(reverse("tickets:inbox")).status_code == 302


def test_lockout_after_repeated_failures(client, agent):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": "anna", "password": "wrong"})
    response = client.post(LOGIN, {"username": "anna", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not AuditEntry.objects.filter(action="auth.login").exists()


def test_inactive_user_cannot_use_agent_pages(client, agent):
    client.force_login(agent)
    agent.is_active = False
    agent.save()
    assert client.get(reverse("tickets:inbox")).status_code == 302


def test_preferences_language_change_sets_field_cookie_and_header(client, agent):
    client.force_login(agent)
    response = client.post(reverse("accounts:preferences"), {"ui_language": "ru"})
    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.ui_language == "ru"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"
    page = client.get(reverse("accounts:preferences"))
    assert page["Content-Language"] == "ru"
    assert '<html lang="ru"' in page.content.decode()
    # Back to following the browser.
    client.post(reverse("accounts:preferences"), {"ui_language": ""})
    agent.refresh_from_db()
    assert agent.ui_language == ""
    assert client.get(reverse("accounts:preferences"))["Content-Language"] == "en"


def test_an_agents_language_lasts_for_their_request_only(client, agent):
    agent.ui_language = "ru"
    agent.save(update_fields=["ui_language"])
    client.force_login(agent)
    with translation.override("en"):
        assert client.get(reverse("tickets:inbox"))["Content-Language"] == "ru"
        # The test client runs the request on this thread: what it had is back.
        assert translation.get_language() == "en"


def test_preferences_refuse_unknown_language(client, agent):
    client.force_login(agent)
    response = client.post(reverse("accounts:preferences"), {"ui_language": "xx"})
    assert response.status_code == 400
    agent.refresh_from_db()
    assert agent.ui_language == ""


def test_top_bar_language_switch_is_remembered(client, agent):
    client.force_login(agent)
    response = client.post(reverse("accounts:language"),
                           {"language": "zh-hans", "next": "/tickets/?view=all"})
    assert response.status_code == 302
    assert response["Location"] == "/tickets/?view=all"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    agent.refresh_from_db()
    assert agent.ui_language == "zh-hans"
    assert client.get(reverse("tickets:inbox"))["Content-Language"] == "zh-hans"


def test_admin_pages_render_for_admin(client, admin_user, ticket):
    client.force_login(admin_user)
    for name in ("accounts_user", "accounts_team", "accounts_skill", "contacts_customer",
                 "contacts_company", "tickets_ticket", "tickets_tag", "tickets_customfield",
                 "audit_auditentry"):
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200, name
    for url in (reverse("admin:tickets_ticket_change", args=[ticket.pk]),
                reverse("admin:accounts_user_change", args=[admin_user.pk])):
        assert client.get(url).status_code == 200, url
    assert client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    assert client.get(reverse("admin:tickets_ticket_add")).status_code == 403


def test_admin_change_to_an_agent_is_audited(client, admin_user, agent):
    client.force_login(admin_user)
    url = reverse("admin:accounts_user_change", args=[agent.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "password"}
    data.update({
        "username": agent.username, "role": "supervisor", "languages": '["en"]',
        "skills": [], "groups": [], "user_permissions": [],
        "date_joined_0": "2025-01-01", "date_joined_1": "10:00:00",
        "membership_set-TOTAL_FORMS": "0", "membership_set-INITIAL_FORMS": "0",
    })
    data.pop("last_login", None)
    data.pop("date_joined", None)
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    agent.refresh_from_db()
    assert agent.role == "supervisor"
    entry = AuditEntry.objects.get(action="accounts.user_changed")
    assert entry.actor == admin_user
    assert "role" in entry.data["fields"]


def test_create_token_shows_plaintext_once(client, agent):
    client.force_login(agent)
    response = client.post(reverse("accounts:token_create"),
                           {"name": "CRM sync", "scopes": ["tickets:read", "customers:read"]})
    assert response.status_code == 200
    plaintext = response.context["plaintext"]
    assert plaintext.startswith("rpt_")
    assert plaintext in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=agent)
    assert token.scopes == ["customers:read", "tickets:read"]
    assert token.token_hash != plaintext
    assert usable_token(plaintext) == token
    again = client.get(reverse("accounts:preferences")).content.decode()
    assert "CRM sync" in again
    assert plaintext not in again


def test_create_token_validates(client, agent):
    client.force_login(agent)
    response = client.post(reverse("accounts:token_create"),
                           {"name": "x", "scopes": [], "expires_on": "2000-01-01"})
    assert response.status_code == 400
    assert set(response.context["token_form"].errors) == {"scopes", "expires_on"}
    assert not ApiToken.objects.exists()


def test_revoke_only_own_token(client, agent, other_agent):
    mine, plaintext = create_token(agent, "mine", ["tickets:read"])
    theirs, _ = create_token(other_agent, "theirs", ["tickets:read"])
    client.force_login(agent)
    assert client.post(reverse("accounts:token_revoke", args=[theirs.pk])).status_code == 404
    response = client.post(reverse("accounts:token_revoke", args=[mine.pk]))
    assert response.status_code == 302
    assert usable_token(plaintext) is None
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
