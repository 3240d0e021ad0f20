"""Index upkeep: ticket changes through the ticket hooks, customers through model saves.

Both run inside the transaction that made the change (see `index`).
"""

from __future__ import annotations

from typing import Any

from rapport.search import index
from rapport.search.models import Kind, SearchDocument
from rapport.tickets.hooks import Change, TicketChange

MESSAGE_CHANGES = {Change.CUSTOMER_REPLIED, Change.AGENT_REPLIED, Change.NOTE_ADDED}
SCOPE_CHANGES = {
    Change.STATUS_CHANGED, Change.ASSIGNED, Change.TEAM_CHANGED, Change.TRANSFERRED,
    Change.ESCALATED,
}


def on_ticket_change(change: TicketChange) -> None:
    ticket = change.ticket
    if change.change == Change.CREATED:
        index.touch(Kind.TICKET, ticket.pk)
        index.touch(Kind.MESSAGE, _message_ids(ticket.pk))
    elif change.change in MESSAGE_CHANGES and change.message is not None:
        index.touch(Kind.MESSAGE, change.message.pk)
    elif change.change in {Change.SUBJECT_CHANGED, Change.TAGS_CHANGED}:
        index.touch(Kind.TICKET, ticket.pk)
    elif change.change in SCOPE_CHANGES:
        index.refresh_ticket_scope(ticket)
    elif change.change == Change.MERGED:
        index.refresh_ticket_scope(ticket)
        into = change.data.get("into")
        if into:
            index.touch(Kind.MESSAGE, _message_ids(into))


def _message_ids(ticket_id: int) -> list[int]:
    from rapport.tickets.models import Message

    return list(Message.objects.filter(ticket_id=ticket_id).values_list("pk", flat=True))


def on_customer_saved(instance: Any, **kwargs: Any) -> None:
    if instance.merged_into_id:
        target = instance.merged_into
        SearchDocument.objects.filter(
            kind__in=[Kind.TICKET, Kind.MESSAGE], requester_id=instance.pk
        ).update(requester_id=target.pk, company_id=target.company_id)
    else:
        SearchDocument.objects.filter(
            kind__in=[Kind.TICKET, Kind.MESSAGE], requester_id=instance.pk
        ).update(company_id=instance.company_id)
    index.touch(Kind.CUSTOMER, instance.pk)


def on_identity_changed(instance: Any, **kwargs: Any) -> None:
    index.touch(Kind.CUSTOMER, instance.customer_id)


def on_company_saved(instance: Any, **kwargs: Any) -> None:
    from rapport.contacts.models import Customer

    members = Customer.objects.filter(company=instance).values_list("pk", flat=True)
    index.touch(Kind.CUSTOMER, members)


def on_deleted(kind: str) -> Any:
    def forget(instance: Any, **kwargs: Any) -> None:
        index.forget(kind, instance.pk)

    return forget


def connect() -> None:
    from django.db.models.signals import post_delete, post_save

    from rapport.contacts.models import Company, Customer, Identity
    from rapport.tickets.hooks import listen
    from rapport.tickets.models import Message, Ticket

    listen(on_ticket_change, name="search")
    post_save.connect(on_customer_saved, sender=Customer, weak=False)
    post_save.connect(on_identity_changed, sender=Identity, weak=False)
    post_delete.connect(on_identity_changed, sender=Identity, weak=False)
    post_save.connect(on_company_saved, sender=Company, weak=False)
    post_delete.connect(on_deleted(Kind.CUSTOMER), sender=Customer, weak=False)
    post_delete.connect(on_deleted(Kind.TICKET), sender=Ticket, weak=False)
    post_delete.connect(on_deleted(Kind.MESSAGE), sender=Message, weak=False)
    _connect_knowledge()


def _connect_knowledge() -> None:
    from django.db.models.signals import post_save

    from rapport.knowledge.models import HelpfulVote
    from rapport.search.deflection import on_vote_saved

    post_save.connect(on_vote_saved, sender=HelpfulVote, weak=False)
