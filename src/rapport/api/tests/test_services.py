import hashlib
import re
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from rapport.api import services
from rapport.api.models import ApiToken
from rapport.audit.models import AuditEntry
from rapport.core.errors import InvalidInput, PermissionDenied

pytestmark = pytest.mark.django_db

TOKEN_RE = re.compile(r"^rpt_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$")


def test_create_token_returns_plaintext_once_and_stores_only_its_hash(agent):
    token, plaintext = services.create_token(agent, "CRM sync", ["tickets:write", "tickets:read"])
    assert TOKEN_RE.match(plaintext)
    assert plaintext.split("_")[1] == token.prefix
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.token_hash == hashlib.sha256(plaintext.encode()).hexdigest()
    assert plaintext not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    assert stored.scopes == ["tickets:read", "tickets:write"]
    entry = AuditEntry.objects.get(action="api_token.created")
    assert entry.actor == agent
    assert entry.target_id == str(token.pk)
    assert entry.data["scopes"] == ["tickets:read", "tickets:write"]


def test_two_tokens_never_share_a_secret(agent):
    first = services.create_token(agent, "a", ["tickets:read"])[1]
    second = services.create_token(agent, "b", ["tickets:read"])[1]
    assert first != second
    assert first.split("_")[1] != second.split("_")[1]


@pytest.mark.parametrize(
    ("scopes", "code"), [([], "invalid_scope"), (["tickets:delete"], "invalid_scope")]
)
def test_create_token_refuses_bad_scopes(agent, scopes, code):
    with pytest.raises(InvalidInput) as exc:
        services.create_token(agent, "x", scopes)
    assert exc.value.code == code
    assert not ApiToken.objects.exists()


def test_create_token_refuses_past_expiry_and_inactive_agents(agent):
    with pytest.raises(InvalidInput) as exc:
        services.create_token(agent, "x", ["tickets:read"], timezone.now() - timedelta(days=1))
    assert exc.value.code == "invalid_expiry"
    agent.is_active = False
    agent.save()
    with pytest.raises(InvalidInput) as exc:
        services.create_token(agent, "x", ["tickets:read"])
    assert exc.value.code == "inactive_agent"


def test_revoke_token_by_owner_is_audited_once(agent):
    token, _plain = services.create_token(agent, "x", ["tickets:read"])
    services.revoke_token(token, agent)
    services.revoke_token(token, agent)
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEntry.objects.filter(action="api_token.revoked").count() == 1


def test_only_owner_or_admin_may_revoke(agent, other_agent, admin_user):
    token, _plain = services.create_token(agent, "x", ["tickets:read"])
    with pytest.raises(PermissionDenied):
        services.revoke_token(token, other_agent)
    services.revoke_token(token, admin_user)
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


def test_usable_token_checks_secret_revocation_expiry_and_agent(agent):
    token, plaintext = services.create_token(agent, "x", ["tickets:read"])
    assert services.usable_token(plaintext) == token
    assert services.usable_token(plaintext[:-1] + ("A" if plaintext[-1] != "A" else "B")) is None
    assert services.usable_token("rpt_short_secret") is None
    assert services.usable_token("not a token") is None
    later = timezone.now() + timedelta(days=2)
    expiring, expiring_plain = services.create_token(
        agent, "y", ["tickets:read"], timezone.now() + timedelta(days=1)
    )
    assert services.usable_token(expiring_plain) == expiring
    assert services.usable_token(expiring_plain, now=later) is None


def test_mark_used_writes_at_most_once_a_minute(agent, django_assert_num_queries):
    token, _plain = services.create_token(agent, "x", ["tickets:read"])
    now = timezone.now()
    with django_assert_num_queries(1):
        services.mark_used(token, now)
    with django_assert_num_queries(0):
        services.mark_used(token, now + timedelta(seconds=30))
    with django_assert_num_queries(1):
        services.mark_used(token, now + timedelta(seconds=61))
    assert ApiToken.objects.get(pk=token.pk).last_used_at == now + timedelta(seconds=61)


def test_command_creates_lists_and_revokes(agent):
    out, err = StringIO(), StringIO()
    call_command("rapport_token", "createtoken", "anna", "--name", "CLI",
                 "--scopes", "tickets:read,users:read", stdout=out, stderr=err)
    plaintext = out.getvalue().strip()
    token = services.usable_token(plaintext)
    assert token is not None
    assert token.user == agent
    assert token.scopes == ["tickets:read", "users:read"]
    assert "will not be shown again" in err.getvalue()

    out = StringIO()
    call_command("rapport_token", "listtokens", "anna", stdout=out)
    assert token.prefix in out.getvalue()
    assert plaintext not in out.getvalue()

    call_command("rapport_token", "revoketoken", token.prefix, stdout=StringIO())
    assert services.usable_token(plaintext) is None


def test_command_reports_unknown_user_and_bad_scope(agent):
    with pytest.raises(CommandError, match="No user"):
        call_command("rapport_token", "createtoken", "nobody", "--name", "x")
    with pytest.raises(CommandError, match="invalid_scope"):
        call_command("rapport_token", "createtoken", "anna", "--name", "x", "--scopes", "root")
