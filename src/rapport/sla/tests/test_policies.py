"""Choosing a ticket's policy: ordered, first match wins, inactive ones skipped."""

import pytest

from rapport.contacts.models import Tier
from rapport.sla.policies import choose_policy, goals
from rapport.sla.tests.conftest import make_policy
from rapport.tickets.models import Channel, Priority
from rapport.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db

URGENT = {"all": [{"field": "priority", "op": "is", "value": int(Priority.URGENT)}]}
PREMIUM = {"all": [{"field": "tier", "op": "in", "value": ["premium", "enterprise"]}]}


@pytest.fixture
def policies(db):
    return {
        "fallback": make_policy("Standard", position=30),
        "premium": make_policy("Premium", position=20, conditions=PREMIUM),
        "urgent": make_policy("Urgent", position=10, conditions=URGENT),
    }


def test_the_first_matching_policy_in_order_wins(policies, customer):
    customer.tier = Tier.PREMIUM
    customer.save()
    urgent_premium = make_ticket(requester=customer, priority=Priority.URGENT)
    assert choose_policy(urgent_premium) == policies["urgent"]
    assert choose_policy(make_ticket(requester=customer)) == policies["premium"]


def test_the_tier_can_come_from_the_company(policies, customer):
    from rapport.contacts.models import Company

    customer.company = Company.objects.create(name="Acme", tier=Tier.ENTERPRISE)
    customer.save()
    assert choose_policy(make_ticket(requester=customer)) == policies["premium"]


def test_an_empty_condition_matches_everything_else(policies, customer):
    assert choose_policy(make_ticket(requester=customer)) == policies["fallback"]


def test_inactive_policies_are_skipped(policies, customer):
    policies["fallback"].active = False
    policies["fallback"].save()
    assert choose_policy(make_ticket(requester=customer)) is None


def test_channel_and_team_conditions(db, customer, team):
    chat = make_policy("Chat", position=1, conditions={
        "all": [{"field": "channel", "op": "is", "value": "chat"},
                {"field": "team", "op": "is", "value": team.pk}]})
    assert choose_policy(make_ticket(requester=customer, channel=Channel.CHAT, team=team)) == chat
    assert choose_policy(make_ticket(requester=customer, channel=Channel.CHAT)) is None


def test_goals_leave_out_targets_without_minutes(db):
    policy = make_policy(next_response_minutes=None, resolution_business=False)
    assert {k: (g.minutes, g.business) for k, g in goals(policy).items()} == {
        "first_response": (60, True), "resolution": (480, False)}
    assert goals(None) == {}
