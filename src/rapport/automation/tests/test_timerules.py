"""Time rules: once per ticket per status period, never early, at a cost set by the rules."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rapport.automation import timerules
from rapport.automation.models import Clock, TimeRuleRun
from rapport.automation.tests.helpers import make_time_rule
from rapport.automation.timerules import run_time_rules
from rapport.reports.models import ReportingEvent, ReportingEventName
from rapport.tickets import services
from rapport.tickets.models import Status
from rapport.tickets.services import Body
from rapport.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db

REMIND = [{"type": "email_requester", "templates": {
    "en": {"subject": "Still there?", "body": "Hello {{customer.first_name}}, still there?"},
    "ru": {"subject": "Вы здесь?", "body": "Здравствуйте, {{customer.first_name}}! Вы здесь?"},
}}]


def hours(n):
    return timezone.now() + timedelta(hours=n)


def pending_ticket(agent, **kwargs):
    ticket = make_ticket(**kwargs)
    services.set_status(ticket, actor=agent, status=Status.PENDING)
    return ticket


def test_fires_once_per_ticket_per_status_period_and_never_early(
    run_commit_hooks, agent, team, customer, mailbox
):
    rule = make_time_rule("remind", status=Status.PENDING, hours=72, actions_=REMIND)
    ticket = pending_ticket(agent, requester=customer, team=team, language="ru")

    assert run_time_rules(now=hours(71)) == {rule.pk: 0}
    with run_commit_hooks():
        assert run_time_rules(now=hours(73)) == {rule.pk: 1}
    assert [m.body for m in mail.outbox] == ["Здравствуйте, Ivan! Вы здесь?"]
    ticket.refresh_from_db()
    assert ticket.status == Status.PENDING  # the reminder does not end the wait
    assert run_time_rules(now=hours(200)) == {rule.pk: 0}

    # The customer answers, the agent waits again: a new period, a new reminder.
    services.post_reply(ticket, actor=customer, body=Body(text="Сейчас посмотрю"))
    services.set_status(ticket, actor=agent, status=Status.PENDING)
    assert run_time_rules(now=hours(71)) == {rule.pk: 0}
    assert run_time_rules(now=hours(73)) == {rule.pk: 1}
    assert TimeRuleRun.objects.filter(rule=rule, ticket=ticket).count() == 2
    assert ReportingEvent.objects.filter(name=ReportingEventName.TRIGGER_FIRED,
                                         ticket_id=ticket.pk).count() == 2


def test_solved_for_four_days_is_closed(agent, ticket):
    rule = make_time_rule("close", status=Status.SOLVED, hours=96,
                          actions_=[{"type": "set_status", "status": "closed"}])
    services.set_status(ticket, actor=agent, status=Status.SOLVED)
    assert run_time_rules(now=hours(95)) == {rule.pk: 0}
    assert run_time_rules(now=hours(97)) == {rule.pk: 1}
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED
    event = ticket.events.order_by("-seq").first()
    assert (event.kind, event.actor_user) == ("status", None)


@pytest.mark.parametrize(("clock", "status", "prepare"), [
    (Clock.CREATED, Status.NEW, lambda t, agent, customer: None),
    (Clock.UPDATED, Status.NEW, lambda t, agent, customer: None),
    (Clock.CUSTOMER_MESSAGE, Status.OPEN,
     lambda t, agent, customer: services.set_status(t, actor=agent, status=Status.OPEN)),
    (Clock.AGENT_MESSAGE, Status.OPEN,
     lambda t, agent, customer: services.post_reply(t, actor=agent, body=Body(text="On it"))),
])
def test_each_clock(agent, customer, team, clock, status, prepare):
    rule = make_time_rule("tag", status=status, hours=24, clock=clock,
                          actions_=[{"type": "add_tags", "tags": ["aged"]}])
    ticket = make_ticket(requester=customer, team=team)
    prepare(ticket, agent, customer)
    assert run_time_rules(now=hours(23)) == {rule.pk: 0}
    assert run_time_rules(now=hours(25)) == {rule.pk: 1}
    assert list(ticket.tags.values_list("name", flat=True)) == ["aged"]


def test_no_agent_message_is_never_due(customer, team):
    rule = make_time_rule("tag", status=Status.NEW, hours=1, clock=Clock.AGENT_MESSAGE,
                          actions_=[{"type": "add_tags", "tags": ["aged"]}])
    make_ticket(requester=customer, team=team)
    assert run_time_rules(now=hours(1000)) == {rule.pk: 0}


def test_conditions_are_checked(agent, team):
    rule = make_time_rule("vip only", status=Status.PENDING, hours=1,
                          conditions_={"all": [{"field": "tags", "op": "includes",
                                                "value": "vip"}]},
                          actions_=[{"type": "add_note", "text": "VIP waiting"}])
    plain = pending_ticket(agent, team=team)
    vip = pending_ticket(agent, team=team, tags=["vip"])
    assert run_time_rules(now=hours(2)) == {rule.pk: 1}
    assert vip.messages.filter(is_public=False).exists()
    assert not plain.messages.filter(is_public=False).exists()


def test_tickets_the_conditions_turn_down_do_not_starve_the_others(agent, team):
    rule = make_time_rule("not kept", status=Status.PENDING, hours=1,
                          conditions_={"all": [{"field": "tags", "op": "excludes",
                                                "value": "keep"}]},
                          actions_=[{"type": "add_tags", "tags": ["done"]}])
    for _ in range(3):
        pending_ticket(agent, team=team, tags=["keep"])
    target = pending_ticket(agent, team=team)  # last in clock order
    passes = [run_time_rules(now=hours(2), batch=2)[rule.pk] for _ in range(3)]
    assert passes == [0, 1, 0]
    assert "done" in target.tags.values_list("name", flat=True)


def test_a_ticket_that_changed_since_it_was_read_is_left_alone(agent, customer, team):
    rule = make_time_rule("remind", status=Status.PENDING, hours=1,
                          actions_=[{"type": "add_note", "text": "n"}])
    ticket = pending_ticket(agent, requester=customer, team=team)
    now = hours(2)
    cutoff = now - timedelta(hours=1)
    [due] = timerules.due_tickets(rule, cutoff)
    services.post_reply(ticket, actor=customer, body=Body(text="I am back"))
    assert timerules._fire(rule, due, cutoff, now) == 0
    services.set_status(ticket, actor=agent, status=Status.PENDING)
    [due] = timerules.due_tickets(rule, cutoff)
    assert timerules._fire(rule, due, cutoff, now) == 1
    assert timerules._fire(rule, due, cutoff, now) == 0  # e.g. an overlapping pass


def _pass_queries(now):
    with CaptureQueriesContext(connection) as queries:
        run_time_rules(now=now, batch=10)
    return len(queries)


def _rules():
    return [
        make_time_rule("remind", status=Status.PENDING, hours=72,
                       actions_=[{"type": "add_note", "text": "n"}]),
        make_time_rule("close", status=Status.SOLVED, hours=96,
                       actions_=[{"type": "set_status", "status": "closed"}]),
        make_time_rule("nudge", status=Status.OPEN, hours=24, clock=Clock.CUSTOMER_MESSAGE,
                       conditions_={"all": [{"field": "tags", "op": "includes",
                                             "value": "vip"}]},
                       actions_=[{"type": "add_note", "text": "n"}]),
    ]


def _tickets(agent, count):
    """Per status: tickets already reminded, not due yet, or turned down by conditions."""
    for _ in range(count):
        pending_ticket(agent)
        services.set_status(make_ticket(), actor=agent, status=Status.SOLVED)
        services.set_status(make_ticket(), actor=agent, status=Status.OPEN)


def test_a_pass_costs_queries_per_rule_not_per_ticket(agent, django_assert_max_num_queries):
    rules = _rules()
    _tickets(agent, 3)
    run_time_rules(now=hours(73))  # the pending ones are reminded
    few = _pass_queries(hours(73))
    _tickets(agent, 30)  # more than a batch of each
    run_time_rules(now=hours(73))
    for _ in range(5):
        run_time_rules(now=hours(73), batch=10)
    many = _pass_queries(hours(73))
    # One to read the rules, one range per rule; the rule with conditions reads its
    # batch (tickets, tags) and moves its cursor: a fixed cost, whatever the tickets.
    assert few <= 1 + len(rules) + 3
    assert many <= 1 + len(rules) + 3
    with django_assert_max_num_queries(1 + len(rules) + 3):
        run_time_rules(now=hours(73), batch=10)


def test_nothing_due_costs_one_query_per_rule(agent):
    rules = _rules()
    _tickets(agent, 2)
    small = _pass_queries(hours(1))
    _tickets(agent, 20)
    large = _pass_queries(hours(1))
    assert small == large == 1 + len(rules)


def test_a_pass_stops_firing_when_its_time_is_spent_and_the_next_goes_on(agent, team):
    rule = make_time_rule("close", status=Status.SOLVED, hours=1,
                          actions_=[{"type": "set_status", "status": "closed"}])
    tickets = [make_ticket(team=team) for _ in range(5)]
    for ticket in tickets:
        services.set_status(ticket, actor=agent, status=Status.SOLVED)
    now = hours(2)
    ticks = iter(range(100))  # each firing takes "one second"
    assert timerules.run_rule(rule, now, until=1.5, ticker=lambda: next(ticks)) == 2
    rule.refresh_from_db()
    assert rule.scan_after_ticket == tickets[1].pk  # the last one it fired
    assert run_time_rules(now=now, budget=timedelta(0)) == {rule.pk: 0}
    assert run_time_rules(now=now) == {rule.pk: 3}
    assert {t.status for t in type(tickets[0]).objects.filter(team=team)} == {Status.CLOSED}
