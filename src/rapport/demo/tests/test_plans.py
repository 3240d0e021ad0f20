from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from rapport.demo.plans import SPAN, TICKET_COUNT, plan_tickets
from rapport.demo.roster import LANGUAGES, SEED, build_roster
from rapport.tickets.models import Channel, Status

NOW = datetime(2026, 5, 20, 12, 0, tzinfo=UTC)
MESSAGE_VERBS = {"open", "call_log", "note", "reply", "customer"}


@pytest.fixture(scope="module")
def plans():
    return plan_tickets(build_roster(), now=NOW, seed=SEED)


def fingerprint(plan):
    return (plan.customer.email, plan.scenario, plan.channel, plan.subject, plan.created_at,
            [(s.verb, s.actor, s.at, s.text, s.status, s.files) for s in plan.steps])


def test_planning_is_deterministic(plans):
    again = plan_tickets(build_roster(), now=NOW, seed=SEED)
    assert [fingerprint(p) for p in again] == [fingerprint(p) for p in plans]
    other = plan_tickets(build_roster(), now=NOW, seed=SEED + 1)
    assert [fingerprint(p) for p in other] != [fingerprint(p) for p in plans]


def test_plans_cover_the_spectrum(plans):
    assert len(plans) == TICKET_COUNT
    assert {p.target_status for p in plans} == set(Status.values) - {Status.NEW} | {"new"}
    assert set(Counter(p.language for p in plans)) == set(LANGUAGES)
    assert {p.channel for p in plans} == {Channel.EMAIL, Channel.WEB, Channel.CHAT,
                                          Channel.PHONE, Channel.API}
    assert len({p.subject for p in plans}) > 200  # templates combined with details differ
    assert len({p.priority for p in plans}) == 4


def test_each_story_has_one_to_six_messages_in_time_order(plans):
    for plan in plans:
        messages = [s for s in plan.steps if s.verb in MESSAGE_VERBS]
        assert 1 <= len(messages) <= 6, plan.subject
        assert plan.steps[0].verb in ("open", "call_log")
        times = [s.at for s in plan.steps]
        assert all(b - a >= timedelta(seconds=1) for a, b in zip(times, times[1:], strict=False))
        assert NOW - SPAN <= times[0]
        assert times[-1] < NOW


def test_replies_come_from_agents_who_speak_the_language(plans):
    roster = build_roster()
    for plan in plans:
        for step in plan.steps:
            if step.verb in ("reply", "note", "call_log"):
                assert plan.language in roster.agent(step.actor).languages


def test_roster_has_eight_staff_in_three_teams_and_eighty_customers():
    roster = build_roster()
    assert len(roster.agents) == 8
    assert Counter(a.role for a in roster.agents) == {
        "agent": 5, "engineer": 1, "supervisor": 1, "admin": 1}
    assert {t for a in roster.agents for t in a.teams} == {name for name, _ in roster.teams}
    assert len(roster.teams) == 3
    assert len(roster.customers) == 80
    assert len({c.email for c in roster.customers}) == 80
    assert {c.language for c in roster.customers} == set(LANGUAGES)
    assert sum(bool(c.phone) for c in roster.customers) >= 20
    assert sum(bool(c.extra_email) for c in roster.customers) >= 10
