import pytest
from django.urls import reverse

from rapport.audit.models import AuditEntry
from rapport.tickets.models import Tag

pytestmark = pytest.mark.django_db


def test_admin_addition_change_and_deletion_are_audited(client, admin_user):
    client.force_login(admin_user)
    response = client.post(reverse("admin:tickets_tag_add"), {"name": "late-carrier"})
    assert response.status_code == 302
    tag = Tag.objects.get(name="late-carrier")
    client.post(
        reverse("admin:tickets_tag_change", args=[tag.pk]),
        {"name": "late-carrier", "description": "The carrier was late"},
    )
    client.post(reverse("admin:tickets_tag_delete", args=[tag.pk]), {"post": "yes"})
    assert not Tag.objects.filter(pk=tag.pk).exists()
    entries = AuditEntry.objects.filter(target_type="tickets.tag").order_by("id")
    assert [e.action for e in entries] == ["admin.added", "admin.changed", "admin.deleted"]
    assert all(e.actor == admin_user and e.target_id == str(tag.pk) for e in entries)
    assert "Description" in entries[1].data["change"]


def test_agent_changes_are_not_audited_twice(client, admin_user, agent):
    client.force_login(admin_user)
    data = {
        "username": agent.username, "role": "supervisor", "is_active": "on",
        "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00",
        "languages": '["en"]', "membership_set-TOTAL_FORMS": "0",
        "membership_set-INITIAL_FORMS": "0",
    }
    client.post(reverse("admin:accounts_user_change", args=[agent.pk]), data)
    agent.refresh_from_db()
    assert agent.role == "supervisor"
    entries = AuditEntry.objects.filter(target_id=str(agent.pk))
    actions = list(entries.values_list("action", flat=True))
    assert actions == ["accounts.user_changed"]
