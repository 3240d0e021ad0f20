"""Backdating demo data: the one place where demo timestamps are rewritten.

The demo plays every ticket's story through the real service verbs, which stamp
everything with the wall clock: a whole story takes milliseconds. To spread the demo
over the last sixty days, ``DemoClock`` notes the real instant at which each step
started and the time the story planned for it; ``backdate_ticket`` then maps every
timestamp of that ticket (ticket columns, messages, events, attachments and its
reporting events) through the same monotonic function. Durations in the reporting
events are recomputed from the mapped ends, so reports agree with the timeline.

Only the demo loader calls this, and only for tickets it has just created.
"""

import bisect
import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import overload

from django.db.models import Min
from django.utils import timezone

from rapport.accounts.models import Team, User
from rapport.contacts.models import Customer, Identity
from rapport.reports.models import ReportingEvent
from rapport.tickets.models import Attachment, Message, Ticket, TicketEvent

TICKET_TIME_FIELDS = (
    "created_at", "updated_at", "first_response_at", "solved_at", "closed_at",
    "last_customer_message_at", "last_agent_message_at",
)


class DemoClock:
    """Maps real instants of one story's steps onto the times the story planned."""

    def __init__(self, now: Callable[[], datetime] = timezone.now) -> None:
        self._now = now
        self._real: list[datetime] = []
        self._planned: list[datetime] = []

    def step(self, planned: datetime) -> None:
        """Call right before the verb that plays the step planned for this time."""
        if self._planned and planned < self._planned[-1]:
            raise ValueError("story steps must be planned in order")
        self._real.append(self._now())
        self._planned.append(planned)

    @overload
    def warp(self, real: datetime) -> datetime: ...

    @overload
    def warp(self, real: None) -> None: ...

    def warp(self, real: datetime | None) -> datetime | None:
        if real is None:
            return None
        if not self._real:
            raise ValueError("no step was recorded")
        index = max(bisect.bisect_right(self._real, real) - 1, 0)
        return self._planned[index] + (real - self._real[index])


def backdate_ticket(ticket_id: int, clock: DemoClock) -> None:
    """Move every timestamp of one freshly played demo ticket to its planned time."""
    # Row-by-row UPDATEs: a ticket has a handful of rows, and these beat bulk_update's CASE.
    ticket = Ticket.objects.get(pk=ticket_id)
    Ticket.objects.filter(pk=ticket_id).update(
        **{name: clock.warp(getattr(ticket, name)) for name in TICKET_TIME_FIELDS}
    )
    for model, query in (
        (Message, {"ticket_id": ticket_id}),
        (TicketEvent, {"ticket_id": ticket_id}),
        (Attachment, {"message__ticket_id": ticket_id}),
    ):
        for pk, created_at in model.objects.filter(**query).values_list("pk", "created_at"):
            model.objects.filter(pk=pk).update(created_at=clock.warp(created_at))
    _backdate_reporting(ticket_id, clock)


def _backdate_reporting(ticket_id: int, clock: DemoClock) -> None:
    rows = ReportingEvent.objects.filter(ticket_id=ticket_id).values_list(
        "pk", "occurred_at", "duration_seconds"
    )
    for pk, real_end, duration in rows:
        occurred_at = clock.warp(real_end)
        changes: dict[str, object] = {"occurred_at": occurred_at}
        if duration is not None:
            real_start = real_end - timedelta(seconds=duration)
            changes["duration_seconds"] = (occurred_at - clock.warp(real_start)).total_seconds()
        ReportingEvent.objects.filter(pk=pk).update(**changes)


def backdate_people(
    *, customers: list[Customer], users: list[User], teams: list[Team], rng: random.Random,
    start: datetime,
) -> None:
    """Customers signed up before their first demo ticket; staff joined before the data."""
    first_ticket = dict(
        Ticket.objects.filter(requester__in=customers)
        .values("requester_id")
        .annotate(first=Min("created_at"))
        .values_list("requester_id", "first")
    )
    for customer in customers:
        anchor = min(first_ticket.get(customer.pk, start), start)
        age = timedelta(days=rng.randint(1, 400), minutes=rng.randint(0, 900))
        customer.created_at = anchor - age
        customer.updated_at = customer.created_at
    Customer.objects.bulk_update(customers, ["created_at", "updated_at"])
    for customer in customers:
        Identity.objects.filter(customer=customer).update(created_at=customer.created_at)
    joined = start - timedelta(days=120)
    User.objects.filter(pk__in=[u.pk for u in users]).update(date_joined=joined)
    Team.objects.filter(pk__in=[t.pk for t in teams]).update(created_at=joined)
