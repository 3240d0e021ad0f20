"""The SLA clocks of a ticket through the real ticket verbs, on a clock moved by hand.

The office (Belgrade, RS holidays) is open 09–13 and 14–18 on weekdays; the policy
wants a first reply within 1 business hour, a next reply within 2 and resolution within
8, and warns at half of each target.
"""

import pytest

from rapport.sla.models import ClockState, TicketSla
from rapport.sla.services import recompute_for_open_tickets
from rapport.sla.tests.conftest import assert_due_date_kept, belgrade, clocks, make_policy
from rapport.tickets import services
from rapport.tickets.merging import merge_tickets
from rapport.tickets.models import Priority, Status
from rapport.tickets.services import SYSTEM, Body
from rapport.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db

RUNNING, PAUSED, MET, STOPPED = (ClockState.RUNNING, ClockState.PAUSED, ClockState.MET,
                                 ClockState.STOPPED)


def reply(ticket, actor, text="Hello", **kwargs):
    return services.post_reply(ticket, actor=actor, body=Body(text=text), **kwargs)


@pytest.fixture
def opened(clock, policy, customer, team):
    return make_ticket(requester=customer, team=team)


def test_a_customer_ticket_starts_first_reply_and_resolution(opened):
    found = clocks(opened)
    assert set(found) == {"first_response", "resolution"}
    first, resolution = found["first_response"], found["resolution"]
    assert (first.state, first.due_at, first.warn_at) == (
        RUNNING, belgrade(2025, 6, 10, 10, 0), belgrade(2025, 6, 10, 9, 30))
    # Eight business hours: the lunch break does not count.
    assert resolution.due_at == belgrade(2025, 6, 10, 18, 0)
    assert resolution.warn_at == belgrade(2025, 6, 10, 13, 0)
    assert first.check_at == first.warn_at
    assert assert_due_date_kept(opened) == belgrade(2025, 6, 10, 10, 0)


def test_a_ticket_an_agent_opened_owes_no_first_reply(clock, policy, customer, team, agent):
    ticket = make_ticket(requester=customer, team=team, actor=agent)
    assert set(clocks(ticket)) == {"resolution"}


def test_no_matching_policy_means_no_clocks(clock, office, customer, team):
    make_policy(conditions={"all": [{"field": "channel", "op": "is", "value": "chat"}]})
    ticket = make_ticket(requester=customer, team=team)
    assert clocks(ticket) == {}
    assert not TicketSla.objects.filter(ticket=ticket).exists()
    assert assert_due_date_kept(ticket) is None


def test_an_agent_reply_meets_the_first_reply(opened, clock, agent):
    clock.advance(minutes=20)
    reply(opened, agent)
    first = clocks(opened)["first_response"]
    assert (first.state, first.met_at, first.check_at) == (
        MET, belgrade(2025, 6, 10, 9, 20), None)
    assert assert_due_date_kept(opened) == belgrade(2025, 6, 10, 18, 0)


def test_a_system_message_or_a_note_answers_nobody(opened, clock, agent):
    reply(opened, SYSTEM, "We got your message")
    services.add_note(opened, actor=agent, body=Body(text="Looking into it"))
    assert clocks(opened)["first_response"].state == RUNNING


def test_a_customer_reply_starts_the_next_reply_clock(opened, clock, agent, customer):
    clock.advance(minutes=10)
    reply(opened, agent)
    clock.set(belgrade(2025, 6, 10, 12, 30))
    reply(opened, customer, "Still broken")
    clock.advance(minutes=20)
    reply(opened, customer, "Hello?")  # the first unanswered message keeps its clock
    following = clocks(opened)["next_response"]
    assert following.started_at == belgrade(2025, 6, 10, 12, 30)
    # 30 minutes before lunch, 90 after it.
    assert following.due_at == belgrade(2025, 6, 10, 15, 30)
    assert assert_due_date_kept(opened) == belgrade(2025, 6, 10, 15, 30)
    clock.advance(minutes=5)
    reply(opened, agent)
    assert clocks(opened)["next_response"].state == MET
    assert assert_due_date_kept(opened) == belgrade(2025, 6, 10, 18, 0)


def test_the_customer_writing_again_before_the_first_reply_changes_nothing(opened, clock,
                                                                        customer):
    clock.advance(minutes=5)
    reply(opened, customer, "More details")
    assert "next_response" not in clocks(opened)


def test_pending_pauses_the_clocks_and_open_resumes_them(opened, clock, agent, customer):
    clock.advance(minutes=20)
    reply(opened, agent, status=Status.PENDING)
    resolution = clocks(opened)["resolution"]
    assert (resolution.state, resolution.due_at) == (PAUSED, None)
    assert assert_due_date_kept(opened) is None
    clock.set(belgrade(2025, 6, 10, 15, 0))
    reply(opened, customer, "Here is the log")  # reopens the ticket
    resolution = clocks(opened)["resolution"]
    # Paused 09:20–15:00 is 4 h 40 of business time, added to the 18:00 deadline.
    assert resolution.state == RUNNING
    assert resolution.due_at == belgrade(2025, 6, 11, 14, 40)
    assert resolution.paused_seconds == 4 * 3600 + 40 * 60
    following = clocks(opened)["next_response"]
    assert following.due_at == belgrade(2025, 6, 10, 17, 0)
    assert assert_due_date_kept(opened) == belgrade(2025, 6, 10, 17, 0)


def test_on_hold_pauses_calendar_hours_by_the_wall_clock(clock, office, customer, team, agent):
    make_policy(first_response_business=False, resolution_business=False,
                resolution_minutes=600)
    ticket = make_ticket(requester=customer, team=team)
    clock.advance(minutes=30)
    services.set_status(ticket, actor=agent, status=Status.ON_HOLD)
    clock.advance(hours=3)
    services.set_status(ticket, actor=agent, status=Status.OPEN)
    found = clocks(ticket)
    assert found["first_response"].due_at == belgrade(2025, 6, 10, 13, 0)
    assert found["resolution"].due_at == belgrade(2025, 6, 10, 22, 0)
    assert found["resolution"].paused_seconds == 3 * 3600


def test_solved_stops_the_clocks_and_a_reopen_resumes_resolution(opened, clock, agent,
                                                                customer):
    clock.advance(minutes=30)
    reply(opened, agent, status=Status.SOLVED)
    found = clocks(opened)
    assert (found["first_response"].state, found["resolution"].state) == (MET, MET)
    assert found["resolution"].met_at == belgrade(2025, 6, 10, 9, 30)
    assert assert_due_date_kept(opened) is None
    clock.set(belgrade(2025, 6, 11, 9, 0))  # the next morning
    reply(opened, customer, "It broke again")
    found = clocks(opened)
    resolution = found["resolution"]
    assert (resolution.state, resolution.met_at) == (RUNNING, None)
    # 30 minutes used; the solved night counts as a pause: 7 h 30 left from Wed 09:00.
    assert resolution.due_at == belgrade(2025, 6, 11, 17, 30)
    assert found["next_response"].due_at == belgrade(2025, 6, 11, 11, 0)
    assert assert_due_date_kept(opened) == belgrade(2025, 6, 11, 11, 0)


def test_pending_after_solved_still_owes_a_resolution(opened, clock, agent):
    clock.advance(minutes=30)
    reply(opened, agent, status=Status.SOLVED)
    clock.advance(minutes=30)
    services.set_status(opened, actor=agent, status=Status.PENDING)
    assert clocks(opened)["resolution"].state == PAUSED
    clock.advance(minutes=30)
    services.set_status(opened, actor=agent, status=Status.OPEN)
    resolution = clocks(opened)["resolution"]
    assert resolution.state == RUNNING
    assert resolution.due_at == belgrade(2025, 6, 11, 10, 0)  # 1 h paused, past 18:00


def test_closing_and_merging_stop_everything_for_good(opened, clock, agent, customer, team):
    services.set_status(opened, actor=agent, status=Status.CLOSED)
    found = clocks(opened)
    assert (found["first_response"].state, found["resolution"].state) == (STOPPED, MET)
    other = make_ticket(requester=customer, team=team)
    target = make_ticket(requester=customer, team=team)
    merge_tickets(other, target, actor=agent)
    assert {c.state for c in clocks(other).values()} == {STOPPED, MET}
    assert assert_due_date_kept(other) is None


def test_a_priority_change_chooses_another_policy_from_the_same_start(opened, clock, agent):
    urgent = make_policy("Urgent", position=1, first_response_minutes=15,
                         first_response_business=False, resolution_minutes=120,
                         conditions={"all": [{"field": "priority", "op": "is", "value": 4}]})
    clock.advance(minutes=5)
    services.set_priority(opened, actor=agent, priority=Priority.URGENT)
    found = clocks(opened)
    assert found["first_response"].policy == urgent
    assert found["first_response"].due_at == belgrade(2025, 6, 10, 9, 15)
    assert found["resolution"].due_at == belgrade(2025, 6, 10, 11, 0)
    assert "next_response" not in found or found["next_response"].state == STOPPED
    assert assert_due_date_kept(opened) == belgrade(2025, 6, 10, 9, 15)
    services.set_priority(opened, actor=agent, priority=Priority.NORMAL)
    assert clocks(opened)["first_response"].due_at == belgrade(2025, 6, 10, 10, 0)


def test_moving_to_another_team_counts_on_its_calendar(opened, clock, agent, other_team):
    from rapport.sla.models import BusinessCalendar, TeamCalendar

    shanghai = BusinessCalendar.objects.create(
        name="Shanghai", time_zone="Asia/Shanghai",
        weekly_hours={"tue": [["09:00", "18:00"]], "wed": [["09:00", "18:00"]]})
    TeamCalendar.objects.create(team=other_team, calendar=shanghai)
    services.set_team(opened, actor=agent, team=other_team)
    resolution = clocks(opened)["resolution"]
    # 09:00 in Belgrade is 15:00 in Shanghai: three hours there on Tuesday, five on
    # Wednesday, due at 14:00 in Shanghai, 08:00 in Belgrade.
    assert resolution.calendar == shanghai
    assert resolution.due_at == belgrade(2025, 6, 11, 8, 0)
    services.set_team(opened, actor=agent, team=None)  # no team: the default calendar
    assert clocks(opened)["first_response"].calendar.name == "Belgrade office"


def test_tags_can_choose_the_policy(opened, clock, agent):
    make_policy("VIP", position=1, first_response_minutes=30,
                conditions={"all": [{"field": "tags", "op": "includes", "value": "vip"}]})
    services.change_tags(opened, actor=agent, add=["vip"])
    assert clocks(opened)["first_response"].due_at == belgrade(2025, 6, 10, 9, 30)
    assert TicketSla.objects.get(ticket=opened).policy.name == "VIP"


def test_rebuilding_reads_pauses_back_from_history_and_is_idempotent(clock, office, customer,
                                                                    team, agent):
    ticket = make_ticket(requester=customer, team=team)  # no policy yet: no clocks
    clock.advance(minutes=10)
    services.set_status(ticket, actor=agent, status=Status.PENDING)
    clock.advance(hours=2)
    services.set_status(ticket, actor=agent, status=Status.OPEN)
    make_policy()
    assert recompute_for_open_tickets() == 1
    resolution = clocks(ticket)["resolution"]
    # 09:10–11:10 pending: two business hours later than 18:00 is Wednesday 11:00.
    assert resolution.due_at == belgrade(2025, 6, 11, 11, 0)
    before = {t: (c.pk, c.due_at, c.state) for t, c in clocks(ticket).items()}
    recompute_for_open_tickets()
    assert {t: (c.pk, c.due_at, c.state) for t, c in clocks(ticket).items()} == before


def test_a_next_reply_owed_before_the_policy_existed_is_found(clock, office, customer, team,
                                                            agent):
    ticket = make_ticket(requester=customer, team=team)
    clock.advance(minutes=10)
    reply(ticket, agent)
    clock.advance(minutes=10)
    reply(ticket, customer, "One more thing")
    clock.advance(minutes=10)
    reply(ticket, customer, "And another")
    make_policy()
    recompute_for_open_tickets()
    following = clocks(ticket)["next_response"]
    assert following.started_at == belgrade(2025, 6, 10, 9, 20)
    assert clocks(ticket)["first_response"].state == MET


def test_routing_on_creation_is_seen_by_the_sla(clock, office, customer, other_team):
    """Routing runs first and changes priority and team through other verbs; the clocks
    follow what it decided, not the ticket as it was before."""
    from rapport.routing.models import RoutingRule
    from rapport.sla.models import BusinessCalendar, TeamCalendar

    RoutingRule.objects.create(name="Refunds are urgent", team=other_team,
                               priority=Priority.URGENT, conditions={
                                   "all": [{"field": "keywords", "op": "contains_any",
                                            "value": ["refund"]}]})
    night = BusinessCalendar.objects.create(name="Nights", time_zone="Europe/Belgrade",
                                            weekly_hours={"tue": [["20:00", "24:00"]]})
    TeamCalendar.objects.create(team=other_team, calendar=night)
    make_policy("Standard", position=20)
    make_policy("Urgent", position=10, first_response_minutes=30,
                conditions={"all": [{"field": "priority", "op": "is", "value": 4}]})
    ticket = make_ticket(requester=customer, subject="Refund please")
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.team_id) == (Priority.URGENT, other_team.pk)
    first = clocks(ticket)["first_response"]
    assert (first.policy.name, first.calendar) == ("Urgent", night)
    assert first.due_at == belgrade(2025, 6, 10, 20, 30)
    assert assert_due_date_kept(ticket) == belgrade(2025, 6, 10, 20, 30)


def test_a_calendar_that_never_opens_does_not_stop_the_ticket_verbs(clock, office, customer,
                                                                    team, caplog):
    from datetime import date, timedelta

    from rapport.sla.models import BusinessCalendar

    mondays = [date(2025, 6, 16) + timedelta(weeks=n) for n in range(600)]
    BusinessCalendar.objects.filter(pk=office.pk).update(
        weekly_hours={"mon": [["09:00", "10:00"]]},
        closed_dates=[day.isoformat() for day in mondays])
    make_policy()
    ticket = make_ticket(requester=customer, team=team)  # must not raise
    assert clocks(ticket)["first_response"].due_at == belgrade(2025, 6, 10, 10, 0)
    assert "never opens" in caplog.text
