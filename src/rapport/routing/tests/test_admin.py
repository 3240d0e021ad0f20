import pytest
from django.urls import reverse

from rapport.routing.models import RoutingRule

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(admin_user):
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    return admin_user


def test_a_rule_with_bad_conditions_is_refused_with_a_reason(client, staff, team):
    client.force_login(staff)
    url = reverse("admin:routing_routingrule_add")
    bad = client.post(url, {"name": "Bad", "position": 1, "active": "on", "team": team.pk,
                            "conditions": '{"all": [{"field": "colour", "op": "is"}]}',
                            "add_tags": "[]"})
    assert bad.status_code == 200
    assert "unknown field colour" in bad.content.decode()
    good = client.post(url, {"name": "Chinese", "position": 1, "active": "on", "team": team.pk,
                             "conditions": '{"all": [{"field": "language", "op": "is", '
                                           '"value": "zh-hans"}]}',
                             "add_tags": '["Chinese "]'})
    assert good.status_code == 302
    rule = RoutingRule.objects.get()
    assert rule.add_tags == ["chinese"]
    assert rule.conditions["all"][0]["field"] == "language"
