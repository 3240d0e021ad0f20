"""The periodic watch: warnings and breaches are announced, reported and acted on once."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.accounts.models import Membership, Role
from rapport.accounts.tests.factories import UserFactory
from rapport.core import effects
from rapport.reports.models import ReportingEvent
from rapport.sla import escalation
from rapport.sla.models import Reassign
from rapport.sla.tasks import check_sla_deadlines
from rapport.sla.tests.conftest import assert_due_date_kept, belgrade, clocks, make_policy
from rapport.sla.watch import check_deadlines
from rapport.tickets import services
from rapport.tickets.hooks import Change
from rapport.tickets.models import EventKind, Priority, Status, TicketEvent
from rapport.tickets.services import Body
from rapport.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db


def sla_changes(announced):
    return [(c.change, c.data["target"]) for c in announced
            if c.change in (Change.SLA_WARNING, Change.SLA_BREACHED)]


def test_create_warn_breach_with_the_periodic_job(clock, policy, customer, team, announced):
    ticket = make_ticket(requester=customer, team=team)
    assert check_deadlines() == []
    clock.set(belgrade(2025, 6, 10, 9, 31))
    assert check_deadlines() == [
        {"ticket": ticket.pk, "target": "first_response", "threshold": "warning"}]
    assert check_deadlines() == []  # once
    clock.set(belgrade(2025, 6, 10, 10, 5))
    result = check_sla_deadlines.call()  # the job as the clock queues it
    assert result == {"warnings": 0, "breaches": 1}
    assert sla_changes(announced) == [(Change.SLA_WARNING, "first_response"),
                                      (Change.SLA_BREACHED, "first_response")]
    first = clocks(ticket)["first_response"]
    assert first.warned_at == belgrade(2025, 6, 10, 9, 31)
    assert first.breached_at == belgrade(2025, 6, 10, 10, 5)
    assert first.state == "running"
    assert first.check_at is None
    events = ReportingEvent.objects.filter(ticket_id=ticket.pk, name__startswith="sla_")
    breach = events.get(name="sla_breached")
    assert breach.data["target"] == "first_response"
    assert breach.duration_seconds == 65 * 60
    assert breach.business_duration_seconds == 65 * 60
    assert events.filter(name="sla_warning").count() == 1
    # Still running and overdue: the inbox sorts it first.
    assert assert_due_date_kept(ticket) == belgrade(2025, 6, 10, 10, 0)


def test_a_worker_that_was_down_announces_only_the_breach(clock, policy, customer, team,
                                                         announced):
    make_ticket(requester=customer, team=team)
    clock.set(belgrade(2025, 6, 10, 10, 30))
    assert [r["threshold"] for r in check_deadlines()] == ["breach"]
    assert sla_changes(announced) == [(Change.SLA_BREACHED, "first_response")]


def test_a_paused_or_answered_clock_never_fires(clock, policy, customer, team, agent):
    waiting = make_ticket(requester=customer, team=team)
    answered = make_ticket(requester=customer, team=team)
    clock.advance(minutes=10)
    services.set_status(waiting, actor=agent, status=Status.PENDING)
    services.post_reply(answered, actor=agent, body=Body(text="On it"))
    clock.set(belgrade(2025, 6, 10, 12, 0))
    assert check_deadlines() == []


def test_the_resolution_warns_and_breaches_in_business_hours(clock, policy, customer, team,
                                                            agent):
    ticket = make_ticket(requester=customer, team=team)
    services.post_reply(ticket, actor=agent, body=Body(text="Looking"))
    clock.set(belgrade(2025, 6, 10, 13, 30))  # the lunch break: the 13:00 warning passed
    assert [r["threshold"] for r in check_deadlines()] == ["warning"]
    clock.set(belgrade(2025, 6, 10, 17, 59))
    assert check_deadlines() == []
    clock.set(belgrade(2025, 6, 10, 18, 0))
    assert [r["threshold"] for r in check_deadlines()] == ["breach"]


@pytest.fixture
def lead(team):
    person = UserFactory(username="lena", role=Role.AGENT, teams=[team],
                         email="lena@example.test")
    Membership.objects.filter(user=person, team=team).update(is_lead=True)
    return person


def test_escalation_on_breach_happens_once(clock, office, customer, team, agent, lead,
                                           django_capture_on_commit_callbacks):
    make_policy(breach_notify=True, breach_priority=Priority.URGENT,
                breach_reassign=Reassign.QUEUE)
    ticket = make_ticket(requester=customer, team=team, assignee=agent)
    clock.set(belgrade(2025, 6, 10, 10, 1))
    with django_capture_on_commit_callbacks(execute=True):
        check_deadlines()
    with django_capture_on_commit_callbacks(execute=True):
        check_deadlines()
        check_deadlines()
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.assignee_id, ticket.team_id) == (
        Priority.URGENT, None, team.pk)
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.PRIORITY).count() == 1
    assert TicketEvent.objects.filter(ticket=ticket, kind=EventKind.ASSIGNED).count() == 1
    assert [m.to for m in mail.outbox] == [["lena@example.test"]]
    assert "SLA breached" in mail.outbox[0].subject
    assert f"/tickets/{ticket.pk}/" in mail.outbox[0].body
    assert ReportingEvent.objects.filter(ticket_id=ticket.pk, name="sla_breached").count() == 1


def test_escalation_on_warning_moves_the_ticket_to_another_team(clock, office, customer, team,
                                                               agent, other_team, supervisor,
                                                               django_capture_on_commit_callbacks):
    make_policy(warn_notify=True, warn_reassign=Reassign.TEAM, warn_team=other_team,
                breach_notify=False)
    ticket = make_ticket(requester=customer, team=team, assignee=agent)
    clock.set(belgrade(2025, 6, 10, 9, 31))
    with django_capture_on_commit_callbacks(execute=True):
        check_deadlines()
    ticket.refresh_from_db()
    assert (ticket.team_id, ticket.assignee_id) == (other_team.pk, None)
    # Nobody leads Billing: every supervisor hears of it.
    assert [m.to for m in mail.outbox] == [[supervisor.email]]
    assert "SLA at risk" in mail.outbox[0].subject


def test_escalations_are_labelled_and_raise_priority_only(clock, office, customer, team,
                                                         announced):
    make_policy(breach_priority=Priority.HIGH)
    ticket = make_ticket(requester=customer, team=team, priority=Priority.URGENT)
    clock.set(belgrade(2025, 6, 10, 10, 1))
    check_deadlines()
    ticket.refresh_from_db()
    assert ticket.priority == Priority.URGENT  # never lowered
    assert not [c for c in announced if c.change == Change.PRIORITY_CHANGED]


def test_the_escalated_priority_change_is_caused_by_the_policy(clock, office, customer, team,
                                                              announced):
    policy = make_policy(breach_priority=Priority.HIGH)
    make_ticket(requester=customer, team=team)
    clock.set(belgrade(2025, 6, 10, 10, 1))
    check_deadlines()
    [raised] = [c for c in announced if c.change == Change.PRIORITY_CHANGED]
    assert raised.causes == (f"sla:{policy.pk}",)
    assert raised.by_system


def test_the_supervisor_gets_a_live_line_in_their_language(clock, office, customer, team,
                                                           lead, monkeypatch):
    published = []
    monkeypatch.setattr(escalation, "publish_on_commit",
                        lambda groups, event: published.append((groups, event)))
    lead.ui_language = "ru"
    lead.save()
    make_policy(breach_notify=True)
    ticket = make_ticket(requester=customer, team=team)
    clock.set(belgrade(2025, 6, 10, 10, 1))
    check_deadlines()
    [(groups, event)] = published
    assert groups == [f"agent.{lead.pk}"]
    assert (event["type"], event["kind"], event["ticket"]["id"]) == (
        "agent.alert", "sla", ticket.pk)
    assert f"#{ticket.pk}" in event["text"]


def test_suppressed_effects_send_nothing(clock, office, customer, team, lead,
                                         django_capture_on_commit_callbacks):
    make_policy(breach_notify=True)
    make_ticket(requester=customer, team=team)
    clock.set(belgrade(2025, 6, 10, 10, 1))
    with effects.effects_suppressed(), django_capture_on_commit_callbacks(execute=True):
        check_deadlines()
    assert mail.outbox == []


def queries_of_an_idle_watch(clock):
    with CaptureQueriesContext(connection) as captured:
        assert check_deadlines() == []
    return len(captured)


def test_the_watch_costs_the_same_for_many_tickets(clock, policy, customer, team,
                                                   django_assert_max_num_queries):
    make_ticket(requester=customer, team=team)
    few = queries_of_an_idle_watch(clock)
    for _ in range(30):
        make_ticket(requester=customer, team=team)
    assert queries_of_an_idle_watch(clock) == few == 1
    # With tickets due, the cost follows the due clocks, not the tickets around them.
    clock.set(belgrade(2025, 6, 10, 9, 31))
    with CaptureQueriesContext(connection) as captured:
        assert len(check_deadlines(limit=1)) == 1
    per_clock = len(captured) - 1
    with django_assert_max_num_queries(1 + 5 * per_clock):
        assert len(check_deadlines(limit=5)) == 5


def test_the_watch_reads_one_index_range(clock, policy, customer, team):
    """The watch's query can walk the partial index on check_at (a tiny table may still
    be scanned by PostgreSQL's planner, so sequential scans are ruled out there)."""
    from django.db import transaction

    from rapport.sla.models import SlaClock

    make_ticket(requester=customer, team=team)
    queryset = SlaClock.objects.filter(check_at__lte=clock()).order_by("check_at")
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL enable_seqscan = off")
        plan = queryset.explain()
    assert "sla_clock_check_idx" in plan


def test_a_refused_action_leaves_the_others_and_the_announcement(clock, office, customer, team,
                                                                 agent, announced, monkeypatch):
    from rapport.core.errors import InvalidInput

    def refuse(*args, **kwargs):
        raise InvalidInput("no", code="refused")

    monkeypatch.setattr(services, "set_priority", refuse)
    make_policy(breach_priority=Priority.URGENT, breach_reassign=Reassign.QUEUE)
    ticket = make_ticket(requester=customer, team=team, assignee=agent)
    clock.set(belgrade(2025, 6, 10, 10, 1))
    assert len(check_deadlines()) == 1
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.assignee_id) == (Priority.NORMAL, None)
    assert sla_changes(announced) == [(Change.SLA_BREACHED, "first_response")]


def test_one_failing_ticket_does_not_hold_up_the_others(clock, policy, customer, team,
                                                         monkeypatch):
    first = make_ticket(requester=customer, team=team)
    second = make_ticket(requester=customer, team=team)
    real = escalation.escalate

    def flaky(ticket, *args):
        if ticket.pk == first.pk:
            raise RuntimeError("boom")
        return real(ticket, *args)

    monkeypatch.setattr("rapport.sla.watch.escalate", flaky)
    clock.set(belgrade(2025, 6, 10, 9, 31))
    assert [r["ticket"] for r in check_deadlines()] == [second.pk]
    # The failed one was rolled back whole: it is tried again on the next run.
    assert clocks(first)["first_response"].warned_at is None
    monkeypatch.setattr("rapport.sla.watch.escalate", real)
    assert [r["ticket"] for r in check_deadlines()] == [first.pk]


def test_a_stale_check_time_is_put_right_instead_of_read_every_time(clock, policy, customer,
                                                                   team):
    from rapport.sla.models import SlaClock

    ticket = make_ticket(requester=customer, team=team)
    first = clocks(ticket)["first_response"]
    SlaClock.objects.filter(pk=first.pk).update(check_at=belgrade(2025, 6, 10, 9, 1))
    clock.set(belgrade(2025, 6, 10, 9, 5))
    assert check_deadlines() == []
    assert clocks(ticket)["first_response"].check_at == belgrade(2025, 6, 10, 9, 30)
