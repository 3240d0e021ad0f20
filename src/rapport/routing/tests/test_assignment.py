"""Who gets a new ticket: rules, eligibility, capacity and the team's strategy."""

from collections import Counter

import pytest

from rapport.accounts.models import Presence, Skill
from rapport.contacts.models import Company
from rapport.reports.models import ReportingEvent
from rapport.routing.models import AgentCapacity, RoutingRule, Strategy, TeamRouting
from rapport.tickets.models import Priority, Status
from rapport.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db


def c(field, op, value):
    return {"field": field, "op": op, "value": value}


def test_new_ticket_goes_to_an_online_agent_of_its_team(team, customer, make_agent):
    make_agent(online=False)
    online = make_agent()
    ticket = make_ticket(requester=customer, team=team)
    assert ticket.assignee == online
    event = ReportingEvent.objects.get(name="auto_assigned", ticket_id=ticket.pk)
    assert event.agent_id == online.pk
    assert event.data["decision_ms"] >= 0


def test_away_agents_and_other_teams_are_not_eligible(team, other_team, customer, make_agent):
    make_agent(presence=Presence.AWAY)
    make_agent(teams=[other_team])
    ticket = make_ticket(requester=customer, team=team)
    assert ticket.assignee is None
    assert ticket.routing.unassigned_since is not None


def test_language_and_skills_decide(team, customer, make_agent):
    refunds = Skill.objects.create(name="refunds")
    RoutingRule.objects.create(name="Refunds", conditions={"all": [
        c("keywords", "contains_any", ["refund", "возврат"])]}).required_skills.add(refunds)
    make_agent(languages=["en"])
    russian = make_agent(languages=["ru", "en"])
    skilled = make_agent(languages=["ru"])
    skilled.skills.add(refunds)
    plain = make_ticket(requester=customer, team=team,
                        text="Посылка так и не пришла, что мне делать?")
    assert plain.language == "ru"
    assert plain.assignee in (russian, skilled)
    refund = make_ticket(requester=customer, team=team,
                         text="Хочу оформить возврат денег за заказ")
    assert refund.assignee == skilled


def test_rules_set_team_priority_and_tags_first_match_wins(team, other_team, customer,
                                                           make_agent):
    vip = Company.objects.create(name="Acme", tier="enterprise")
    customer.company = vip
    customer.save()
    RoutingRule.objects.create(name="Chinese", position=1, team=other_team,
                               conditions={"all": [c("language", "is", "zh-hans")]})
    RoutingRule.objects.create(name="Enterprise", position=2, team=team, priority=Priority.HIGH,
                               add_tags=["enterprise"],
                               conditions={"all": [c("tier", "is", "enterprise")]})
    RoutingRule.objects.create(name="Never reached", position=3, team=other_team,
                               conditions={"all": [c("tier", "is", "enterprise")]})
    agent = make_agent()
    ticket = make_ticket(requester=customer, text="The label printer is broken again today")
    assert (ticket.team, ticket.priority, ticket.assignee) == (team, Priority.HIGH, agent)
    assert list(ticket.tags.values_list("name", flat=True)) == ["enterprise"]
    assert ticket.routing.rule.name == "Enterprise"
    chinese = make_ticket(requester=customer, text="我的包裹还没有到，请帮我查一下")
    assert chinese.team == other_team


def test_capacity_per_channel_and_overall(team, customer, make_agent):
    busy = make_agent()
    AgentCapacity.objects.create(user=busy, channel_limits={"email": 1}, overall_limit=5)
    first = make_ticket(requester=customer, team=team)
    assert first.assignee == busy
    second = make_ticket(requester=customer, team=team)
    assert second.assignee is None  # email limit reached
    web = make_ticket(requester=customer, team=team, channel="web")
    assert web.assignee == busy  # no web limit of its own
    AgentCapacity.objects.filter(user=busy).update(overall_limit=2)
    assert make_ticket(requester=customer, team=team, channel="web").assignee is None


def test_pending_tickets_do_not_count_as_load(team, customer, make_agent):
    agent = make_agent()
    AgentCapacity.objects.create(user=agent, channel_limits={"email": 1})
    first = make_ticket(requester=customer, team=team)
    first.status = Status.PENDING
    first.save()
    assert make_ticket(requester=customer, team=team).assignee == agent


def test_round_robin_is_fair(team, customer, make_agent):
    agents = [make_agent() for _ in range(4)]
    got = Counter(make_ticket(requester=customer, team=team).assignee_id for _ in range(22))
    assert set(got) == {a.pk for a in agents}
    assert max(got.values()) - min(got.values()) <= 1


def test_least_loaded_fills_the_emptiest_agent(team, customer, make_agent):
    TeamRouting.objects.create(team=team, strategy=Strategy.LEAST_LOADED)
    loaded = make_agent()
    for _ in range(3):
        make_ticket(requester=customer, team=team)  # only one agent yet
    fresh = make_agent()
    got = [make_ticket(requester=customer, team=team).assignee for _ in range(3)]
    assert got == [fresh, fresh, fresh]  # 3 vs 0, 1, 2: the newcomer catches up
    assert make_ticket(requester=customer, team=team).assignee in (loaded, fresh)


def test_many_tickets_many_agents_capacity_respected_nobody_starved(team, customer,
                                                                     make_agent):
    agents = [make_agent() for _ in range(6)]
    for i, agent in enumerate(agents):
        AgentCapacity.objects.create(user=agent, channel_limits={"email": 3 + i % 3})
    limits = {a.pk: 3 + i % 3 for i, a in enumerate(agents)}
    tickets = [make_ticket(requester=customer, team=team) for _ in range(30)]
    got = Counter(t.assignee_id for t in tickets if t.assignee_id)
    assert all(got[pk] == limit for pk, limit in limits.items())  # all full, none over
    assert sum(1 for t in tickets if t.assignee_id is None) == 30 - sum(limits.values())


def test_team_without_auto_assign_keeps_its_queue(team, customer, make_agent):
    TeamRouting.objects.create(team=team, auto_assign=False)
    make_agent()
    assert make_ticket(requester=customer, team=team).assignee is None


def test_moving_an_unassigned_ticket_to_a_team_hands_it_out(team, other_team, customer, agent,
                                                           make_agent):
    from rapport.tickets.services import set_team

    ticket = make_ticket(requester=customer)
    receiver = make_agent(teams=[other_team])
    set_team(ticket, actor=agent, team=other_team)
    ticket.refresh_from_db()
    assert ticket.assignee == receiver
