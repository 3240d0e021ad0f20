"""Reads of tickets, always starting from what the asker may see."""

from typing import Any

from django.db.models import Q, QuerySet

from rapport.accounts.models import User
from rapport.contacts.models import Customer
from rapport.tickets.models import Attachment, Message, Ticket


def visible_tickets(actor: Any) -> QuerySet[Ticket]:
    """Tickets the actor may open: the only starting point for every ticket read."""
    if isinstance(actor, Customer):
        return tickets_of_customer(actor)
    if not isinstance(actor, User) or not actor.is_active or not actor.is_authenticated:
        return Ticket.objects.none()
    if actor.sees_all_tickets:
        return Ticket.objects.all()
    return Ticket.objects.filter(Q(team__in=team_ids(actor)) | Q(assignee=actor))


def team_ids(user: User) -> list[int]:
    """The user's team ids as literal values: a subquery here makes SQLite scan tickets."""
    return list(user.teams.values_list("id", flat=True))


def tickets_of_customer(customer: Customer) -> QuerySet[Ticket]:
    if customer.merged_into_id:
        return Ticket.objects.none()
    if customer.company_id and customer.company and customer.company.share_tickets:
        return Ticket.objects.filter(requester__company_id=customer.company_id)
    return Ticket.objects.filter(requester=customer)


def visible_messages(actor: Any, ticket: Ticket) -> QuerySet[Message]:
    messages = Message.objects.filter(ticket=ticket)
    if isinstance(actor, Customer):
        messages = messages.filter(is_public=True)
    related = ["attachments"] if isinstance(actor, Customer) else ["attachments", "outbound_emails"]
    return messages.select_related("author_user", "author_customer").prefetch_related(*related)


def visible_attachment(actor: Any, public_id: str) -> Attachment | None:
    """The attachment if the actor may see the message that carries it, else None."""
    attachment = (
        Attachment.objects.select_related("message")
        .filter(public_id=public_id, message__isnull=False)
        .first()
    )
    if attachment is None or attachment.message is None:
        return None
    if not visible_tickets(actor).filter(pk=attachment.message.ticket_id).exists():
        return None
    if isinstance(actor, Customer) and not attachment.message.is_public:
        return None
    return attachment


def timeline(actor: Any, ticket: Ticket) -> list[Any]:
    """Messages and events of a ticket in their one ordered sequence."""
    from rapport.tickets.models import TicketEvent

    entries: list[Any] = list(visible_messages(actor, ticket))
    if not isinstance(actor, Customer):
        entries += list(
            TicketEvent.objects.filter(ticket=ticket).select_related("actor_user", "actor_customer")
        )
    return sorted(entries, key=lambda e: e.seq)
