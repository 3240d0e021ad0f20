"""Clocks for the tickets that existed before automation: the status period starts at
the latest status change on the timeline, else when the ticket was made."""

from django.db import migrations
from django.db.models import OuterRef, Subquery

BATCH = 2000


def backfill(apps, schema_editor):
    Ticket = apps.get_model("tickets", "Ticket")
    TicketEvent = apps.get_model("tickets", "TicketEvent")
    TicketClock = apps.get_model("automation", "TicketClock")
    latest_status = (
        TicketEvent.objects.filter(ticket=OuterRef("pk"), kind="status")
        .order_by("-seq").values("created_at")[:1]
    )
    tickets = Ticket.objects.order_by("pk").annotate(changed_at=Subquery(latest_status))
    after = 0
    while True:
        rows = list(tickets.filter(pk__gt=after).values_list(
            "pk", "status", "created_at", "last_customer_message_at",
            "last_agent_message_at", "changed_at")[:BATCH])
        if not rows:
            return
        TicketClock.objects.bulk_create([
            TicketClock(ticket_id=pk, status=status, status_since=changed or created,
                        created_at=created, customer_at=customer, agent_at=agent)
            for pk, status, created, customer, agent, changed in rows
        ], ignore_conflicts=True)
        after = rows[-1][0]


class Migration(migrations.Migration):
    dependencies = [("automation", "0001_initial")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
