"""Merging tickets: the whole story ends up in one place."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.core.errors import InvalidInput
from rapport.reports.models import ReportingEventName as RE
from rapport.reports.services import record_event
from rapport.tickets.hooks import Change, announce
from rapport.tickets.models import EventKind, Message, Status, Ticket
from rapport.tickets.services import (
    Actor,
    _agent_id,
    _change_status,
    _event,
    _require_agent,
    _save,
)


@transaction.atomic
def merge_tickets(source: Ticket, target: Ticket, *, actor: Actor) -> Ticket:
    """Move source's messages into target (after its own), close source, keep a trail."""
    _require_agent(actor)
    if source.pk == target.pk:
        raise InvalidInput(_("A ticket cannot be merged into itself."), code="merge_self")
    pair = Ticket.objects.select_for_update().filter(pk__in=[source.pk, target.pk])
    locked = {t.pk: t for t in pair}
    source, target = locked[source.pk], locked[target.pk]
    if source.merged_into_id or target.merged_into_id:
        raise InvalidInput(_("That ticket was already merged."), code="already_merged")
    now = timezone.now()
    moved = 0
    # Another requester's messages must not become readable by this requester: they
    # arrive as internal notes, so agents keep the whole story and customers see only
    # their own conversation.
    keep_public = source.requester_id == target.requester_id
    for message in Message.objects.filter(ticket=source).order_by("seq"):
        target.timeline_seq += 1
        Message.objects.filter(pk=message.pk).update(
            ticket=target, seq=target.timeline_seq, is_public=message.is_public and keep_public
        )
        moved += 1
    target.tags.add(*source.tags.all())
    _event(target, EventKind.MERGED_FROM, actor, now, other=source.pk, subject=source.subject,
           messages=moved)
    _event(source, EventKind.MERGED_INTO, actor, now, other=target.pk, subject=target.subject)
    source.merged_into = target
    if source.status != Status.CLOSED:
        _change_status(source, Status.CLOSED, actor, now)
    latest = [t.last_customer_message_at for t in (source, target) if t.last_customer_message_at]
    target.last_customer_message_at = max(latest, default=None)
    _save(source, now, "merged_into", "status", "closed_at", "solved_at")
    _save(target, now, "last_customer_message_at")
    record_event(RE.MERGED, ticket=source, at=now, agent_id=_agent_id(actor),
                 data={"into": target.pk})
    announce(Change.MERGED, source, actor=actor, at=now, into=target.pk)
    return target
