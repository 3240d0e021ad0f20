from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from rapport.demo.backdating import DemoClock, backdate_ticket
from rapport.reports.models import ReportingEvent
from rapport.tickets import services
from rapport.tickets.services import Body
from rapport.tickets.tests.factories import make_ticket

PLANNED = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)


def test_warp_maps_each_step_onto_its_planned_time():
    real = iter([datetime(2026, 5, 1, 12, 0, 0, tzinfo=UTC),
                 datetime(2026, 5, 1, 12, 0, 1, tzinfo=UTC)])
    clock = DemoClock(now=lambda: next(real))
    clock.step(PLANNED)
    clock.step(PLANNED + timedelta(hours=5))
    first_real = datetime(2026, 5, 1, 12, 0, 0, tzinfo=UTC)
    assert clock.warp(first_real) == PLANNED
    assert clock.warp(first_real + timedelta(milliseconds=30)) == \
        PLANNED + timedelta(milliseconds=30)
    assert clock.warp(first_real + timedelta(seconds=1, milliseconds=2)) == \
        PLANNED + timedelta(hours=5, milliseconds=2)
    assert clock.warp(first_real - timedelta(seconds=1)) == PLANNED - timedelta(seconds=1)
    assert clock.warp(None) is None


def test_steps_must_be_planned_in_order():
    clock = DemoClock()
    clock.step(PLANNED)
    with pytest.raises(ValueError, match="in order"):
        clock.step(PLANNED - timedelta(minutes=1))
    with pytest.raises(ValueError, match="no step"):
        DemoClock().warp(timezone.now())


@pytest.mark.django_db
def test_backdating_moves_timeline_and_recomputes_durations(customer, team, agent):
    clock = DemoClock()
    clock.step(PLANNED)
    ticket = make_ticket(requester=customer, team=team)
    clock.step(PLANNED + timedelta(hours=3))
    services.post_reply(ticket, actor=agent, body=Body(text="On it."), status="pending")
    clock.step(PLANNED + timedelta(hours=7))
    services.post_reply(ticket, actor=customer, body=Body(text="Thanks, still waiting."))
    clock.step(PLANNED + timedelta(days=1))
    services.post_reply(ticket, actor=agent, body=Body(text="Delivered."), status="solved")

    backdate_ticket(ticket.pk, clock)

    ticket.refresh_from_db()
    assert abs(ticket.created_at - PLANNED) < timedelta(seconds=1)
    assert abs(ticket.first_response_at - (PLANNED + timedelta(hours=3))) < timedelta(seconds=1)
    assert abs(ticket.solved_at - (PLANNED + timedelta(days=1))) < timedelta(seconds=1)
    assert ticket.updated_at == ticket.solved_at
    messages = list(ticket.messages.order_by("seq").values_list("created_at", flat=True))
    planned = [PLANNED, PLANNED + timedelta(hours=3), PLANNED + timedelta(hours=7),
               PLANNED + timedelta(days=1)]
    assert all(abs(m - p) < timedelta(seconds=1) for m, p in zip(messages, planned, strict=True))
    events = ReportingEvent.objects.filter(ticket_id=ticket.pk)
    first = events.get(name="first_reply")
    assert first.duration_seconds == pytest.approx(3 * 3600, abs=1)
    last_reply = events.filter(name="agent_reply").order_by("occurred_at").last()
    assert last_reply.duration_seconds == pytest.approx(17 * 3600, abs=1)  # since 7h message
    assert events.get(name="solved").duration_seconds == pytest.approx(24 * 3600, abs=1)
    assert all(e.occurred_at < PLANNED + timedelta(days=2) for e in events)
