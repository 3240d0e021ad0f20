"""Escalation hands a case up with its history; ownership alarms catch what nobody holds."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from rapport.accounts.models import Membership, Role
from rapport.accounts.tests.factories import TeamFactory, UserFactory
from rapport.core.errors import InvalidInput
from rapport.reports.models import ReportingEvent
from rapport.routing import escalation
from rapport.routing.models import AlarmKind, OwnershipAlarm, TeamRouting, TicketRouting
from rapport.routing.watch import ensure_team_settings, raise_ownership_alarms
from rapport.tickets.models import EventKind, Message, Ticket
from rapport.tickets.services import Body, post_reply
from rapport.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db


def test_escalating_to_a_supervisor_keeps_history_and_tells_the_customer(
    team, customer, agent, supervisor
):
    Membership.objects.create(user=supervisor, team=team)
    ticket = make_ticket(requester=customer, team=team,
                         text="Позовите менеджера, я жду уже неделю!")
    post_reply(ticket, actor=agent, body=Body(text="Sorry, looking into it."))
    escalation.escalate(ticket, actor=agent, reason="manager",
                        note="Third complaint this month, wants compensation.")
    ticket.refresh_from_db()
    assert ticket.assignee == supervisor
    assert "escalated" in ticket.tags.values_list("name", flat=True)
    transfer = ticket.events.get(kind=EventKind.TRANSFERRED)
    assert "Third complaint" in transfer.data["note"]
    told = Message.objects.filter(ticket=ticket, author_user__isnull=True,
                                  direction="outbound").get()
    assert told.is_public
    assert "коллеге" in told.body_text
    assert Message.objects.filter(ticket=ticket).count() == 3  # nothing lost
    event = ReportingEvent.objects.get(name="escalated", ticket_id=ticket.pk)
    assert event.data["reason"] == "manager"
    assert event.data["to_user"] == supervisor.pk


def test_escalating_follows_the_teams_escalation_team(team, customer, agent):
    specialists = TeamFactory(name="Tier 2")
    TeamRouting.objects.create(team=team, escalation_team=specialists)
    ticket = make_ticket(requester=customer, team=team, assignee=agent)
    escalation.escalate(ticket, actor=agent, reason="engineer", note="API returns 500.")
    ticket.refresh_from_db()
    assert (ticket.team, ticket.assignee) == (specialists, None)


def test_escalation_needs_a_reason_a_note_and_someone_to_go_to(team, customer, agent):
    ticket = make_ticket(requester=customer, team=team)
    with pytest.raises(InvalidInput):
        escalation.escalate(ticket, actor=agent, reason="bored", note="x")
    with pytest.raises(InvalidInput):
        escalation.escalate(ticket, actor=agent, reason="abusive", note="  ")
    with pytest.raises(InvalidInput):  # no supervisor exists
        escalation.escalate(ticket, actor=agent, reason="abusive", note="Insults.",
                            to_supervisor=True)


def test_escalation_from_the_ticket_page_and_in_the_attention_report(
    team, customer, agent, supervisor, client
):
    ticket = make_ticket(requester=customer, team=team)
    client.force_login(agent)
    client.post(reverse("routing:escalate", args=[ticket.pk]), {
        "reason": "abusive", "target": "supervisor", "note": "Threatening language."})
    assert Ticket.objects.get(pk=ticket.pk).assignee == supervisor
    client.force_login(supervisor)
    page = client.get(reverse("routing:attention")).content.decode()
    assert "Abusive customer: 1" in page
    assert f"#{ticket.pk}" in page


def _age(ticket, minutes):
    then = timezone.now() - timedelta(minutes=minutes)
    TicketRouting.objects.filter(ticket=ticket).update(unassigned_since=then)
    Ticket.objects.filter(pk=ticket.pk).update(last_customer_message_at=then, created_at=then)


def test_unassigned_ticket_alarms_the_teams_supervisor_once(
    team, customer, django_capture_on_commit_callbacks, mailoutbox
):
    lead = UserFactory(role=Role.SUPERVISOR, email="lead@example.test")
    Membership.objects.create(user=lead, team=team)
    TeamRouting.objects.create(team=team, unassigned_alarm_minutes=30,
                               unanswered_alarm_minutes=None)
    fresh = make_ticket(requester=customer, team=team)
    old = make_ticket(requester=customer, team=team)
    _age(old, 31)
    with django_capture_on_commit_callbacks(execute=True):
        assert raise_ownership_alarms(ensure_team_settings()) == 1
    assert raise_ownership_alarms(ensure_team_settings()) == 0  # once per episode
    alarm = OwnershipAlarm.objects.get()
    assert (alarm.ticket_id, alarm.kind) == (old.pk, AlarmKind.UNASSIGNED)
    assert [m.to for m in mailoutbox] == [["lead@example.test"]]
    assert f"#{old.pk}" in mailoutbox[0].subject
    assert not OwnershipAlarm.objects.filter(ticket=fresh).exists()
    assert ReportingEvent.objects.filter(name="ownership_alarm").count() == 1


def test_unanswered_customer_alarms_and_a_new_wait_is_a_new_episode(team, customer, agent):
    TeamRouting.objects.create(team=team, unassigned_alarm_minutes=None,
                               unanswered_alarm_minutes=60)
    ticket = make_ticket(requester=customer, team=team, assignee=agent)
    _age(ticket, 61)
    teams = ensure_team_settings()
    assert raise_ownership_alarms(teams) == 1
    post_reply(ticket, actor=agent, body=Body(text="On it."))
    assert raise_ownership_alarms(teams) == 0  # answered
    post_reply(ticket, actor=customer, body=Body(text="Still nothing arrived."))
    Ticket.objects.filter(pk=ticket.pk).update(
        last_agent_message_at=timezone.now() - timedelta(minutes=90))
    _age(ticket, 61)
    assert raise_ownership_alarms(teams) == 1
    assert OwnershipAlarm.objects.filter(kind=AlarmKind.UNANSWERED).count() == 2


def test_the_attention_page_lists_open_alarms_only(team, customer, agent, supervisor, client):
    TeamRouting.objects.create(team=team, unassigned_alarm_minutes=5)
    stuck = make_ticket(requester=customer, team=team, subject="Stuck parcel")
    handled = make_ticket(requester=customer, team=team, subject="Handled parcel")
    _age(stuck, 10)
    _age(handled, 10)
    raise_ownership_alarms(ensure_team_settings())
    from rapport.tickets.services import assign

    assign(handled, actor=agent, assignee=agent)
    client.force_login(supervisor)
    page = client.get(reverse("routing:attention")).content.decode()
    assert "Stuck parcel" in page
    assert "Handled parcel" not in page


def test_the_alarm_pass_costs_a_few_queries_per_team(team, customer,
                                                     django_assert_max_num_queries):
    TeamRouting.objects.create(team=team, unassigned_alarm_minutes=5)
    for _ in range(30):
        make_ticket(requester=customer, team=team)
    teams = ensure_team_settings()
    with django_assert_max_num_queries(4):
        raise_ownership_alarms(teams)  # nothing is due: two range queries per team
