"""Every change to a ticket goes through one of these verbs.

Each verb is one transaction: it locks the ticket, changes it, appends to the timeline,
writes the reporting events, and registers side effects to run only after commit.
Callers have already fetched the ticket through a permission-scoped query.
"""

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.accounts.models import Team, User
from rapport.contacts.models import Customer
from rapport.core.effects import publish_on_commit
from rapport.core.errors import Conflict, InvalidInput, PermissionDenied
from rapport.core.language import detect_language
from rapport.core.realtime import ticket_groups
from rapport.core.sanitize import html_to_text, sanitize_html, text_to_html
from rapport.reports.models import ReportingEventName as RE
from rapport.reports.services import record_event
from rapport.tickets import custom_fields
from rapport.tickets.attachments import IncomingFile, store_files, validate_files
from rapport.tickets.delivery import deliver_reply
from rapport.tickets.hooks import Change, announce
from rapport.tickets.models import (
    DONE_STATUSES,
    UNSOLVED_STATUSES,
    Channel,
    Direction,
    EventKind,
    Message,
    Priority,
    Status,
    Tag,
    Ticket,
    TicketEvent,
    fold,
)


class _System:
    """Rapport itself acting: routing, automations, periodic jobs. Stored as no actor."""

    def __repr__(self) -> str:
        return "SYSTEM"

    def __str__(self) -> str:
        return _("Rapport")


SYSTEM = _System()

# None is the system too (kept for older callers); new code passes SYSTEM.
Actor = User | Customer | _System | None


def is_system(actor: object) -> bool:
    return actor is None or isinstance(actor, _System)


@dataclass
class Body:
    text: str = ""
    html: str = ""
    files: list[IncomingFile] = field(default_factory=list)
    # Set only by a channel whose own, stricter-than-default sanitiser already ran
    # (email keeps inline images as placeholders, which the default policy drops).
    html_is_sanitised: bool = False

    @cached_property
    def language(self) -> str:
        """The language the text is written in, detected offline ('' if unknown)."""
        return detect_language(self.cleaned[0])

    @cached_property
    def cleaned(self) -> tuple[str, str]:
        """(plain text, sanitised HTML); raises InvalidInput when there is nothing to send."""
        safe_html = self.html if self.html_is_sanitised else sanitize_html(self.html)
        text = self.text.strip() or html_to_text(safe_html)
        if not text and not self.files:
            raise InvalidInput(_("The message is empty."), code="empty_message")
        return text, safe_html or text_to_html(text)


def _lock(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_for_update().get(pk=ticket.pk)


def _actor_fields(actor: Actor, prefix: str) -> dict[str, Any]:
    return {
        f"{prefix}_user": actor if isinstance(actor, User) else None,
        f"{prefix}_customer": actor if isinstance(actor, Customer) else None,
    }


def _require_agent(actor: Actor) -> User:
    if not isinstance(actor, User) or not actor.is_active:
        raise PermissionDenied(_("Only agents can do this."))
    return actor


def _require_agent_or_system(actor: Actor) -> User | _System:
    """An active agent, or SYSTEM (None counts as SYSTEM)."""
    if is_system(actor):
        return SYSTEM
    return _require_agent(actor)


def _agent_id(actor: Actor) -> int | None:
    return actor.pk if isinstance(actor, User) else None


def _event(ticket: Ticket, kind: EventKind, actor: Actor, now: datetime, **data: Any) -> None:
    ticket.timeline_seq += 1
    TicketEvent.objects.create(
        ticket=ticket,
        seq=ticket.timeline_seq,
        kind=kind,
        data=data,
        created_at=now,
        **_actor_fields(actor, "actor"),
    )


def _save(ticket: Ticket, now: datetime, *fields: str) -> None:
    ticket.updated_at = now
    if "status" in fields:
        ticket.is_open = ticket.status in UNSOLVED_STATUSES
        fields = (*fields, "is_open")
    ticket.save(update_fields=["updated_at", "timeline_seq", *fields])
    publish_on_commit(
        ticket_groups(ticket),
        {"type": "ticket.changed", "ticket": {"id": ticket.pk, "status": ticket.status}},
    )


def _append_message(
    ticket: Ticket, body: Body, *, actor: Actor, direction: Direction, public: bool,
    channel: str, now: datetime, metadata: dict[str, Any] | None = None, external_id: str = "",
) -> Message:
    text, safe_html = body.cleaned
    validate_files(body.files)
    ticket.timeline_seq += 1
    message = Message.objects.create(
        ticket=ticket, seq=ticket.timeline_seq, direction=direction, is_public=public,
        channel=channel, body_text=text, body_html=safe_html,
        language=body.language if direction == Direction.INBOUND else "",
        channel_metadata=metadata or {}, external_id=external_id, created_at=now,
        **_actor_fields(actor, "author"),
    )
    store_files(message, body.files)
    return message


@transaction.atomic
def create_ticket(
    *, actor: Actor, requester: Customer, subject: str, body: Body, channel: str,
    priority: int = Priority.NORMAL, team: Team | None = None, assignee: User | None = None,
    tags: list[str] | None = None, language: str = "", fields: dict[str, Any] | None = None,
    metadata: dict[str, Any] | None = None, external_id: str = "", source: str = "",
) -> Ticket:
    """Open a ticket with its first message: inbound from a customer, outbound from an agent.

    `source` names where it came in (``mailbox:3``, ``chat_site:2``, ``portal``…) for
    routing rules and reports.
    """
    subject = subject.strip()[:250]
    if not subject:
        raise InvalidInput(_("A subject is required."), code="subject_required")
    body.cleaned  # noqa: B018  (refuse an empty message before anything is written)
    validate_files(body.files)
    now = timezone.now()
    by_agent = isinstance(actor, User)
    ticket = Ticket.objects.create(
        subject=subject, subject_folded=fold(subject), channel=channel, requester=requester,
        priority=Priority(priority),
        team=team, assignee=assignee,
        language=language or (body.language if not by_agent else "") or requester.language,
        custom_fields=custom_fields.validate(fields or {}, partial=False),
        status=Status.OPEN if by_agent else Status.NEW, created_at=now, updated_at=now,
        last_customer_message_at=None if by_agent else now, source=source[:64],
    )
    _event(ticket, EventKind.CREATED, actor, now, channel=channel)
    message = _append_message(
        ticket, body, actor=actor, now=now, channel=channel, metadata=metadata,
        direction=Direction.OUTBOUND if by_agent else Direction.INBOUND, public=True,
        external_id=external_id,
    )
    if tags:
        ticket.tags.set(_tags_named(tags))
    _save(ticket, now)
    record_event(RE.TICKET_CREATED, ticket=ticket, at=now)
    announce(Change.CREATED, ticket, actor=actor, at=now, message=message)
    ticket.refresh_from_db()  # listeners (routing) may have given it a team or an agent
    return ticket


@transaction.atomic
def post_reply(
    ticket: Ticket, *, actor: Actor, body: Body, status: str | None = None,
    channel: str | None = None, metadata: dict[str, Any] | None = None, external_id: str = "",
    reopen: bool = True,
) -> Message:
    """A public message on the ticket, from the agent or from the customer.

    A customer's message reopens a solved or pending ticket unless `reopen` is False
    (an out-of-office reply is stored but must not bring a solved ticket back).
    """
    ticket = _lock(ticket)
    now = timezone.now()
    if isinstance(actor, Customer):
        if ticket.status == Status.CLOSED:
            raise InvalidInput(_("This ticket is closed."), code="ticket_closed")
        message = _append_message(
            ticket, body, actor=actor, direction=Direction.INBOUND, public=True,
            channel=channel or ticket.channel, now=now, metadata=metadata,
            external_id=external_id,
        )
        ticket.last_customer_message_at = now
        record_event(RE.CUSTOMER_REPLY, ticket=ticket, at=now)
        old_status = ticket.status
        if reopen and ticket.status in (Status.SOLVED, Status.PENDING):
            _change_status(ticket, Status.OPEN, actor, now)
        _save(ticket, now, "last_customer_message_at", "status", "solved_at")
        announce(Change.CUSTOMER_REPLIED, ticket, actor=actor, at=now, message=message)
        _announce_status(ticket, old_status, actor, now)
        return message
    agent = _require_agent_or_system(actor)
    message = _append_message(
        ticket, body, actor=agent, direction=Direction.OUTBOUND, public=True,
        channel=channel or ticket.channel, now=now, metadata=metadata, external_id=external_id,
    )
    old_status, old_assignee = ticket.status, ticket.assignee_id
    if isinstance(agent, User):
        _record_agent_reply(ticket, agent, now)
        if ticket.assignee_id is None:
            _change_assignee(ticket, agent, agent, now)
    new_status = status or (Status.OPEN if ticket.status == Status.NEW else None)
    if new_status and new_status != ticket.status:
        _change_status(ticket, new_status, agent, now)
    _save(ticket, now, "first_response_at", "last_agent_message_at", "status", "assignee",
          "solved_at", "closed_at")
    deliver_reply(message)
    announce(Change.AGENT_REPLIED, ticket, actor=agent, at=now, message=message)
    if ticket.assignee_id != old_assignee:
        announce(Change.ASSIGNED, ticket, actor=agent, at=now, old=old_assignee,
                 new=ticket.assignee_id)
    _announce_status(ticket, old_status, agent, now)
    return message


def _announce_status(ticket: Ticket, old: str, actor: Actor, now: datetime) -> None:
    if ticket.status != old:
        announce(Change.STATUS_CHANGED, ticket, actor=actor, at=now, old=old, new=ticket.status)


def _record_agent_reply(ticket: Ticket, agent: User, now: datetime) -> None:
    """An agent's public reply: a system message (an automation's email) is not one."""
    since = ticket.last_customer_message_at or ticket.created_at
    if ticket.first_response_at is None:
        ticket.first_response_at = now
        record_event(RE.FIRST_REPLY, ticket=ticket, at=now, since=ticket.created_at,
                     agent_id=agent.pk)
    record_event(RE.AGENT_REPLY, ticket=ticket, at=now, since=since, agent_id=agent.pk)
    ticket.last_agent_message_at = now


@transaction.atomic
def add_note(ticket: Ticket, *, actor: Actor, body: Body) -> Message:
    agent = _require_agent_or_system(actor)
    ticket = _lock(ticket)
    now = timezone.now()
    message = _append_message(
        ticket, body, actor=agent, direction=Direction.OUTBOUND, public=False,
        channel=Channel.INTERNAL, now=now,
    )
    _save(ticket, now)
    announce(Change.NOTE_ADDED, ticket, actor=agent, at=now, message=message)
    return message


def _change_status(ticket: Ticket, new: str, actor: Actor, now: datetime) -> None:
    if new not in Status.values:
        raise InvalidInput(_("Unknown status."), code="invalid_status", details={"status": new})
    old = ticket.status
    if old == new:
        return
    if old == Status.CLOSED:
        raise InvalidInput(_("A closed ticket cannot change status."), code="ticket_closed")
    ticket.status = new
    _event(ticket, EventKind.STATUS, actor, now, old=old, new=new)
    agent_id = _agent_id(actor)
    if new == Status.SOLVED:
        ticket.solved_at = now
        record_event(RE.SOLVED, ticket=ticket, at=now, since=ticket.created_at, agent_id=agent_id)
    elif new == Status.CLOSED:
        ticket.closed_at = now
        record_event(RE.CLOSED, ticket=ticket, at=now, since=ticket.created_at, agent_id=agent_id)
    elif old in DONE_STATUSES:
        ticket.solved_at = None
        record_event(RE.REOPENED, ticket=ticket, at=now, agent_id=agent_id)


@transaction.atomic
def set_status(ticket: Ticket, *, actor: Actor, status: str) -> Ticket:
    actor = _require_agent_or_system(actor)
    ticket = _lock(ticket)
    now = timezone.now()
    old = ticket.status
    _change_status(ticket, status, actor, now)
    _save(ticket, now, "status", "solved_at", "closed_at")
    _announce_status(ticket, old, actor, now)
    return ticket


@transaction.atomic
def set_priority(ticket: Ticket, *, actor: Actor, priority: int) -> Ticket:
    actor = _require_agent_or_system(actor)
    if priority not in Priority.values:
        raise InvalidInput(_("Unknown priority."), code="invalid_priority")
    ticket = _lock(ticket)
    now = timezone.now()
    if ticket.priority != priority:
        old = Priority(ticket.priority).key
        ticket.priority = priority
        _event(ticket, EventKind.PRIORITY, actor, now, old=old, new=Priority(priority).key)
        _save(ticket, now, "priority")
        announce(Change.PRIORITY_CHANGED, ticket, actor=actor, at=now, old=old,
                 new=Priority(priority).key)
    return ticket


def _change_assignee(ticket: Ticket, assignee: User | None, actor: Actor, now: datetime) -> None:
    if assignee is not None and not assignee.is_active:
        raise InvalidInput(_("This agent is deactivated."), code="inactive_agent")
    old = ticket.assignee
    ticket.assignee = assignee
    _event(ticket, EventKind.ASSIGNED, actor, now,
           old=old.pk if old else None, old_name=str(old or ""),
           new=assignee.pk if assignee else None, new_name=str(assignee or ""))
    if assignee is not None:
        record_event(RE.ASSIGNED, ticket=ticket, at=now, agent_id=assignee.pk)


@transaction.atomic
def assign(
    ticket: Ticket, *, actor: Actor, assignee: User | None = None, team: Team | None = None,
    change_team: bool = False,
) -> Ticket:
    """Set the assignee and, when change_team is true, the team (None clears either)."""
    actor = _require_agent_or_system(actor)
    ticket = _lock(ticket)
    now = timezone.now()
    old_team, old_assignee = ticket.team_id, ticket.assignee_id
    if change_team and ticket.team_id != (team.pk if team else None):
        old = ticket.team
        ticket.team = team
        _event(ticket, EventKind.TEAM, actor, now, old=old.pk if old else None,
               old_name=str(old or ""), new=team.pk if team else None, new_name=str(team or ""))
    if ticket.assignee_id != (assignee.pk if assignee else None):
        _change_assignee(ticket, assignee, actor, now)
    _save(ticket, now, "assignee", "team")
    _announce_moves(ticket, old_team, old_assignee, actor, now)
    return ticket


def _announce_moves(
    ticket: Ticket, old_team: int | None, old_assignee: int | None, actor: Actor, now: datetime
) -> None:
    # The agent first: a listener may hand the ticket to someone in its new team.
    if ticket.assignee_id != old_assignee:
        announce(Change.ASSIGNED, ticket, actor=actor, at=now, old=old_assignee,
                 new=ticket.assignee_id)
    if ticket.team_id != old_team:
        announce(Change.TEAM_CHANGED, ticket, actor=actor, at=now, old=old_team,
                 new=ticket.team_id)


@transaction.atomic
def set_team(ticket: Ticket, *, actor: Actor, team: Team | None) -> Ticket:
    """Move the ticket to another team (or none), keeping its assignee."""
    _require_agent_or_system(actor)
    ticket = _lock(ticket)
    return assign(ticket, actor=actor, assignee=ticket.assignee, team=team, change_team=True)


TRANSFER_NOTE_CHARS = 1_000


@transaction.atomic
def transfer(
    ticket: Ticket, *, actor: Actor, note: str, assignee: User | None = None,
    team: Team | None = None,
) -> Ticket:
    """Hand the ticket to another agent or team with a note the receiver reads first.

    To a team alone the ticket leaves its agent and waits in that team's queue; to an
    agent it keeps its team unless another one is given. The note is an event of the
    timeline (kept with the history) and the latest one heads the ticket page.
    """
    agent = _require_agent_or_system(actor)
    note = note.strip()
    if not note:
        raise InvalidInput(_("Say in a note what the next agent should know."),
                           code="note_required")
    if len(note) > TRANSFER_NOTE_CHARS:
        raise InvalidInput(_("The note is too long."), code="too_long")
    if assignee is None and team is None:
        raise InvalidInput(_("Choose an agent or a team."), code="no_target")
    ticket = _lock(ticket)
    if assignee is not None and assignee.pk == ticket.assignee_id and team is None:
        raise InvalidInput(_("This agent already has the ticket."), code="same_agent")
    now = timezone.now()
    old_team, old_assignee = ticket.team_id, ticket.assignee_id
    if team is not None and team.pk != ticket.team_id:
        old = ticket.team
        ticket.team = team
        _event(ticket, EventKind.TEAM, agent, now, old=old.pk if old else None,
               old_name=str(old or ""), new=team.pk, new_name=str(team))
    if ticket.assignee_id != (assignee.pk if assignee else None):
        _change_assignee(ticket, assignee, agent, now)
    _event(ticket, EventKind.TRANSFERRED, agent, now, note=note,
           to_agent=assignee.pk if assignee else None, to_agent_name=str(assignee or ""),
           to_team=team.pk if team else None, to_team_name=str(team or ""))
    _save(ticket, now, "assignee", "team")
    announce(Change.TRANSFERRED, ticket, actor=agent, at=now, note=note,
             to_agent=assignee.pk if assignee else None, to_team=team.pk if team else None)
    _announce_moves(ticket, old_team, old_assignee, agent, now)
    return ticket


def latest_transfer(ticket: Ticket) -> TicketEvent | None:
    """The transfer whose note heads the ticket page while its receiver still holds it."""
    event = (
        ticket.events.filter(kind=EventKind.TRANSFERRED).select_related("actor_user")
        .order_by("-seq").first()
    )
    if event is None:
        return None
    to_agent, to_team = event.data.get("to_agent"), event.data.get("to_team")
    if to_agent is not None:
        return event if ticket.assignee_id == to_agent else None
    return event if ticket.assignee_id is None and ticket.team_id == to_team else None


def _tags_named(names: list[str]) -> list[Tag]:
    cleaned = sorted({n.strip().lower()[:64] for n in names if n and n.strip()})
    existing = {t.name: t for t in Tag.objects.filter(name__in=cleaned)}
    missing = [Tag(name=n) for n in cleaned if n not in existing]
    for tag in missing:
        tag.save()
        existing[tag.name] = tag
    return [existing[n] for n in cleaned]


@transaction.atomic
def change_tags(
    ticket: Ticket, *, actor: Actor, add: list[str] = (), remove: list[str] = ()  # type: ignore[assignment]
) -> Ticket:
    """Add and remove tags: by an agent or the system, never a customer."""
    actor = _require_agent_or_system(actor)
    ticket = _lock(ticket)
    now = timezone.now()
    before = set(ticket.tags.values_list("name", flat=True))
    to_add = [t for t in _tags_named(list(add)) if t.name not in before]
    removed = {n.strip().lower() for n in remove} & before
    if not to_add and not removed:
        return ticket
    ticket.tags.add(*to_add)
    ticket.tags.remove(*Tag.objects.filter(name__in=removed))
    added = sorted(t.name for t in to_add)
    _event(ticket, EventKind.TAGS, actor, now, added=added, removed=sorted(removed))
    _save(ticket, now)
    announce(Change.TAGS_CHANGED, ticket, actor=actor, at=now, added=added,
             removed=sorted(removed))
    return ticket


@transaction.atomic
def update_fields(ticket: Ticket, *, actor: Actor, values: dict[str, Any]) -> Ticket:
    actor = _require_agent_or_system(actor)
    ticket = _lock(ticket)
    now = timezone.now()
    cleaned = custom_fields.validate(values, partial=True)
    changed = {k: v for k, v in cleaned.items() if ticket.custom_fields.get(k) != v}
    if changed:
        old = {k: ticket.custom_fields.get(k) for k in changed}
        ticket.custom_fields = {**ticket.custom_fields, **changed}
        _event(ticket, EventKind.FIELDS, actor, now, old=old, new=changed)
        _save(ticket, now, "custom_fields")
        announce(Change.FIELDS_CHANGED, ticket, actor=actor, at=now, old=old, new=changed)
    return ticket


@transaction.atomic
def update_subject(ticket: Ticket, *, actor: Actor, subject: str) -> Ticket:
    _require_agent(actor)
    subject = subject.strip()[:250]
    if not subject:
        raise InvalidInput(_("A subject is required."), code="subject_required")
    ticket = _lock(ticket)
    now = timezone.now()
    if subject != ticket.subject:
        old = ticket.subject
        _event(ticket, EventKind.SUBJECT, actor, now, old=old, new=subject)
        ticket.subject = subject
        ticket.subject_folded = fold(subject)
        _save(ticket, now, "subject", "subject_folded")
        announce(Change.SUBJECT_CHANGED, ticket, actor=actor, at=now, old=old, new=subject)
    return ticket


@transaction.atomic
def create_tag(*, actor: Actor, name: str, description: str = "") -> Tag:
    """A new tag, named in lowercase like the tags set on tickets."""
    _require_agent(actor)
    cleaned = name.strip().lower()[:64]
    if not cleaned:
        raise InvalidInput(_("A tag needs a name."), code="name_required")
    try:
        with transaction.atomic():
            return Tag.objects.create(name=cleaned, description=description.strip()[:200])
    except IntegrityError:
        raise Conflict(
            _("This tag already exists."), code="tag_exists", details={"name": cleaned}
        ) from None
