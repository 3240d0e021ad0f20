"""The time-based rules' pass over many tickets (used by bench/routing.py --time-rules N).

Tickets and their clocks are bulk-inserted (the verbs would take hours for a million);
1 % are pending and past "pending 3 days → remind", 1 % solved and past "solved 4 days →
close", the rest open, new or recently pending. Prints the cost of a pass with nothing
due (the scan alone), then of passes that fire, with how many tickets each fired.
"""

from __future__ import annotations

import random
import time
from datetime import timedelta

BATCH = 20_000


def _fill(count: int, rng: random.Random) -> None:
    from django.db import transaction
    from django.utils import timezone

    from rapport.automation.models import TicketClock
    from rapport.contacts.models import Customer
    from rapport.tickets.models import Status, Ticket

    customer = Customer.objects.create(name="Bulk", email="bulk@example.test")
    now = timezone.now()
    made = 0
    while made < count:
        size = min(BATCH, count - made)
        tickets, states = [], []
        for _ in range(size):
            roll = rng.random()
            if roll < 0.01:
                status, since = Status.PENDING, now - timedelta(days=3, hours=rng.randrange(48))
            elif roll < 0.02:
                status, since = Status.SOLVED, now - timedelta(days=4, hours=rng.randrange(48))
            else:
                status = rng.choice([Status.OPEN, Status.NEW, Status.PENDING])
                since = now - timedelta(hours=rng.randrange(60))
            states.append((status, since))
            tickets.append(Ticket(subject="Bulk", subject_folded="bulk", status=status,
                                  channel="email", requester=customer, created_at=since,
                                  updated_at=since, is_open=status != Status.SOLVED))
        with transaction.atomic():
            created = Ticket.objects.bulk_create(tickets, batch_size=2_000)
            TicketClock.objects.bulk_create([
                TicketClock(ticket_id=t.pk, status=s, status_since=since, created_at=since)
                for t, (s, since) in zip(created, states, strict=True)
            ], batch_size=2_000)
        made += size


def _rules() -> None:
    from rapport.automation.models import Clock, TimeRule
    from rapport.tickets.models import Status

    TimeRule.objects.create(name="Pending 3 days: remind", status=Status.PENDING,
                            clock=Clock.STATUS_CHANGED, hours=72,
                            actions=[{"type": "add_tags", "tags": ["reminded"]}])
    TimeRule.objects.create(name="Solved 4 days: close", status=Status.SOLVED,
                            clock=Clock.STATUS_CHANGED, hours=96,
                            actions=[{"type": "set_status", "status": "closed"}])
    TimeRule.objects.create(name="New a week: tag", status=Status.NEW,
                            clock=Clock.CREATED, hours=24 * 7,
                            actions=[{"type": "add_tags", "tags": ["stale"]}])
    TimeRule.objects.create(name="Open, customer waiting a day: note", status=Status.OPEN,
                            clock=Clock.CUSTOMER_MESSAGE, hours=24,
                            actions=[{"type": "add_note", "text": "Waiting a day."}])


def run(count: int, *, rng: random.Random, database: str) -> None:
    from django.db import connection

    from rapport.automation.actions import validate
    from rapport.automation.models import TimeRule
    from rapport.automation.timerules import run_time_rules

    started = time.perf_counter()
    _fill(count, rng)
    _rules()
    for rule in TimeRule.objects.all():
        validate(rule.actions)  # the same checks as the admin's form
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"database: {database}; {count:,} tickets with clocks inserted in "
          f"{time.perf_counter() - started:.0f} s; 4 time rules")
    from django.utils import timezone

    early = timezone.now() - timedelta(days=30)  # a moment when nothing is due yet
    started = time.perf_counter()
    fired = run_time_rules(early)
    print(f"pass with nothing due: {(time.perf_counter() - started) * 1000:.0f} ms "
          f"(fired {sum(fired.values())})")
    total = 0
    for n in range(1, 4):
        started = time.perf_counter()
        fired = run_time_rules()
        took = time.perf_counter() - started
        total += sum(fired.values())
        print(f"pass {n}: {took:.2f} s, fired {sum(fired.values())} "
              f"({sum(fired.values()) / took:,.0f} tickets/s; the pass stops firing at its "
              "5 s budget and the next goes on)")
    print(f"fired in 3 passes: {total:,}")
