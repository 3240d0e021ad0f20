"""REST API v1 for tickets and tags: parse, call a query or a service verb, serialise.

Creating a ticket: ``from_agent: false`` (the default) records the first message as the
requester's inbound message — the integration forwards what a customer wrote; the
agent who submitted it is kept in the message's channel metadata. ``from_agent: true``
records an outbound message from the token's agent, as when an agent opens a ticket.
A ticket the caller may not see answers 404, never 403.
"""

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from rapport.accounts.models import Team, User
from rapport.api.auth import agent, requires
from rapport.api.idempotency import idempotent
from rapport.api.models import Scope
from rapport.api.schemas.common import ERRORS, MergeIn
from rapport.api.schemas.tickets import (
    BodyIn,
    EventOut,
    MessageOut,
    ReplyIn,
    TagIn,
    TagListOut,
    TagOut,
    TicketCreateIn,
    TicketFilters,
    TicketOut,
    TicketPageOut,
    TicketPatchIn,
    TicketSummaryOut,
    TimelineOut,
)
from rapport.contacts.models import Customer
from rapport.contacts.services import find_or_create_by_email
from rapport.core.errors import InvalidInput, NotFound
from rapport.tickets import inbox, queries, services
from rapport.tickets.merging import merge_tickets
from rapport.tickets.models import Message, Priority, Tag, Ticket

router = Router(tags=["tickets"])
tags_router = Router(tags=["tags"])


def visible_ticket(user: User, ticket_id: int) -> Ticket:
    ticket = (
        queries.visible_tickets(user)
        .select_related("requester", "assignee", "team")
        .prefetch_related("tags")
        .filter(pk=ticket_id)
        .first()
    )
    if ticket is None:
        raise NotFound(_("There is no ticket #%(id)s, or you may not see it.") % {"id": ticket_id})
    return ticket


def _team(team_id: int | None) -> Team | None:
    if team_id is None:
        return None
    team = Team.objects.filter(pk=team_id).first()
    if team is None:
        raise InvalidInput(_("There is no such team."), code="unknown_team",
                           details={"team_id": team_id})
    return team


def _assignee(user_id: int | None) -> User | None:
    if user_id is None:
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise InvalidInput(_("There is no such active agent."), code="unknown_agent",
                           details={"assignee_id": user_id})
    return user


def _requester(payload: TicketCreateIn) -> Customer:
    if payload.requester_email is not None:
        return find_or_create_by_email(
            payload.requester_email, name=payload.requester_name, language=payload.language
        )
    assert payload.requester_id is not None  # the schema requires one of the two
    customer = Customer.objects.select_related("merged_into").filter(
        pk=payload.requester_id
    ).first()
    if customer is None:
        raise InvalidInput(_("There is no such customer."), code="unknown_requester",
                           details={"requester_id": payload.requester_id})
    # A merge leaves a pointer to the surviving customer (merges never chain).
    return customer.merged_into or customer


def _body(payload: BodyIn) -> services.Body:
    return services.Body(
        text=payload.body_text, html=payload.body_html,
        files=[a.incoming() for a in payload.attachments],
    )


def attachment_url(request: HttpRequest) -> Callable[[str], str]:
    def build(public_id: str) -> str:
        try:
            path = reverse("tickets:attachment", args=[public_id])
        except NoReverseMatch:
            path = f"/tickets/attachments/{public_id}/"
        return request.build_absolute_uri(path)

    return build


@router.post("", response={201: TicketOut, **ERRORS})
@requires(Scope.TICKETS_WRITE)
@idempotent
def create_ticket(request: HttpRequest, payload: TicketCreateIn) -> Status[TicketOut]:
    user = agent(request)
    with transaction.atomic():
        requester = _requester(payload)
        ticket = services.create_ticket(
            actor=user if payload.from_agent else requester, requester=requester,
            subject=payload.subject, body=_body(payload), channel=payload.channel,
            priority=Priority.from_name(payload.priority), team=_team(payload.team_id),
            assignee=_assignee(payload.assignee_id), tags=payload.tags,
            language=payload.language, fields=payload.custom_fields,
            metadata=None if payload.from_agent else {"submitted_by_agent": user.pk},
            source="api",
        )
    # A ticket created without tags has none: no need to ask the database.
    return Status(201, TicketOut.of(ticket, tags=None if payload.tags else []))


@router.get("", response={200: TicketPageOut, **ERRORS})
@requires(Scope.TICKETS_READ)
def list_tickets(request: HttpRequest, filters: Query[TicketFilters]) -> TicketPageOut:
    result = inbox.page(
        agent(request), filters.inbox_query(), cursor=filters.cursor, limit=filters.limit
    )
    return TicketPageOut(
        items=[TicketSummaryOut.of(t) for t in result.items], next_cursor=result.next_cursor
    )


@router.get("/{ticket_id}", response={200: TicketOut, **ERRORS})
@requires(Scope.TICKETS_READ)
def get_ticket(request: HttpRequest, ticket_id: int) -> TicketOut:
    return TicketOut.of(visible_ticket(agent(request), ticket_id))


def _patch_assignment(ticket: Ticket, user: User, payload: TicketPatchIn) -> Ticket:
    given = payload.model_fields_set
    team = _team(payload.team_id) if "team_id" in given else ticket.team
    assignee = _assignee(payload.assignee_id) if "assignee_id" in given else ticket.assignee
    return services.assign(
        ticket, actor=user, assignee=assignee, team=team, change_team="team_id" in given
    )


def _patch_tags(ticket: Ticket, user: User, payload: TicketPatchIn) -> Ticket:
    assert payload.tags is not None
    add, remove = payload.tags.add, payload.tags.remove
    if payload.tags.set is not None:
        current = {t.name for t in ticket.tags.all()}
        wanted = {n.strip().lower()[:64] for n in payload.tags.set if n.strip()}
        add, remove = sorted(wanted - current), sorted(current - wanted)
    return services.change_tags(ticket, actor=user, add=add, remove=remove)


def _apply_patch(ticket: Ticket, user: User, payload: TicketPatchIn) -> Ticket:
    """Each change through its verb; the caller holds one transaction around them all."""
    given = payload.model_fields_set
    if payload.subject is not None:
        ticket = services.update_subject(ticket, actor=user, subject=payload.subject)
    if given & {"team_id", "assignee_id"}:
        ticket = _patch_assignment(ticket, user, payload)
    if payload.priority is not None:
        ticket = services.set_priority(
            ticket, actor=user, priority=Priority.from_name(payload.priority)
        )
    if payload.tags is not None:
        ticket = _patch_tags(ticket, user, payload)
    if payload.custom_fields is not None:
        ticket = services.update_fields(ticket, actor=user, values=payload.custom_fields)
    if payload.status is not None:
        ticket = services.set_status(ticket, actor=user, status=payload.status)
    return ticket


@router.patch("/{ticket_id}", response={200: TicketOut, **ERRORS})
@requires(Scope.TICKETS_WRITE)
def update_ticket(request: HttpRequest, ticket_id: int, payload: TicketPatchIn) -> TicketOut:
    user = agent(request)
    with transaction.atomic():
        ticket = _apply_patch(visible_ticket(user, ticket_id), user, payload)
    # The verbs hand back the row as they left it; it may now sit outside the caller's
    # teams, so it is serialised as is rather than read again through visibility.
    return TicketOut.of(ticket)


@router.get("/{ticket_id}/timeline", response={200: TimelineOut, **ERRORS})
@requires(Scope.TICKETS_READ)
def get_timeline(request: HttpRequest, ticket_id: int) -> TimelineOut:
    user = agent(request)
    ticket = visible_ticket(user, ticket_id)
    url = attachment_url(request)
    items: list[Any] = [
        MessageOut.of(entry, url) if isinstance(entry, Message) else EventOut.of(entry)
        for entry in queries.timeline(user, ticket)
    ]
    return TimelineOut(items=items)


@router.post("/{ticket_id}/reply", response={201: MessageOut, **ERRORS})
@requires(Scope.TICKETS_WRITE)
@idempotent
def reply(request: HttpRequest, ticket_id: int, payload: ReplyIn) -> Status[MessageOut]:
    user = agent(request)
    ticket = visible_ticket(user, ticket_id)
    message = services.post_reply(
        ticket, actor=user, body=_body(payload),
        status=str(payload.status) if payload.status else None,
    )
    return Status(201, MessageOut.of(message, attachment_url(request)))


@router.post("/{ticket_id}/notes", response={201: MessageOut, **ERRORS})
@requires(Scope.TICKETS_WRITE)
@idempotent
def add_note(request: HttpRequest, ticket_id: int, payload: BodyIn) -> Status[MessageOut]:
    user = agent(request)
    message = services.add_note(visible_ticket(user, ticket_id), actor=user, body=_body(payload))
    return Status(201, MessageOut.of(message, attachment_url(request)))


@router.post("/{ticket_id}/merge", response={200: TicketOut, **ERRORS})
@requires(Scope.TICKETS_WRITE)
@idempotent
def merge(request: HttpRequest, ticket_id: int, payload: MergeIn) -> Status[TicketOut]:
    """Merge this ticket into ``target_id``; answers with the target."""
    user = agent(request)
    source = visible_ticket(user, ticket_id)
    target = visible_ticket(user, payload.target_id)
    merged = merge_tickets(source, target, actor=user)
    return Status(200, TicketOut.of(merged))


@tags_router.get("", response={200: TagListOut, **ERRORS})
@requires(Scope.TICKETS_READ)
def list_tags(
    request: HttpRequest, q: str = "", limit: int = Query(200, ge=1, le=1000)
) -> TagListOut:
    """Tags by name; ``q`` filters by a part of the name."""
    tags = Tag.objects.all()
    if q.strip():
        tags = tags.filter(name__icontains=q.strip().lower())
    return TagListOut(items=[TagOut.of(t) for t in tags[:limit]])


@tags_router.post("", response={201: TagOut, **ERRORS})
@requires(Scope.TICKETS_WRITE)
@idempotent
def create_tag(request: HttpRequest, payload: TagIn) -> Status[TagOut]:
    tag = services.create_tag(
        actor=agent(request), name=payload.name, description=payload.description
    )
    return Status(201, TagOut.of(tag))
