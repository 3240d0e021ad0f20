"""What happened to a ticket, told to the apps that act on it.

Routing, SLAs, triggers and outgoing webhooks all react to the same changes. The
ticket verbs `announce()` each change inside their transaction, once the ticket row is
saved; listeners registered with `listen()` run right there, in registration order,
with the locked ticket. A listener may call ticket verbs itself (their changes are
announced in turn) and must send anything that leaves the database (emails, webhooks,
realtime events) through `rapport.core.effects`, so it leaves only after commit.

`caused_by()` labels the changes made inside it (e.g. ``"trigger:12"``), so a listener
can tell its own doing apart and a chain of automations can be cut short.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rapport.tickets.models import Message, Ticket

logger = logging.getLogger(__name__)


class Change(StrEnum):
    CREATED = "ticket.created"
    CUSTOMER_REPLIED = "message.customer"
    AGENT_REPLIED = "message.agent"
    NOTE_ADDED = "message.note"
    STATUS_CHANGED = "ticket.status"
    PRIORITY_CHANGED = "ticket.priority"
    ASSIGNED = "ticket.assigned"
    TEAM_CHANGED = "ticket.team"
    TAGS_CHANGED = "ticket.tags"
    FIELDS_CHANGED = "ticket.fields"
    SUBJECT_CHANGED = "ticket.subject"
    TRANSFERRED = "ticket.transferred"
    MERGED = "ticket.merged"
    ESCALATED = "ticket.escalated"
    SLA_WARNING = "sla.warning"
    SLA_BREACHED = "sla.breached"


@dataclass(frozen=True)
class TicketChange:
    change: Change
    ticket: Ticket
    actor: Any  # User, Customer, SYSTEM or None (see tickets.services.Actor)
    at: datetime
    message: Message | None = None
    data: dict[str, Any] = field(default_factory=dict)
    causes: tuple[str, ...] = ()

    @property
    def by_system(self) -> bool:
        from rapport.tickets.services import is_system

        return is_system(self.actor)


Listener = Callable[[TicketChange], None]

_listeners: list[tuple[str, Listener]] = []
_causes: ContextVar[tuple[str, ...]] = ContextVar("rapport_ticket_change_causes", default=())


def listen(listener: Listener, *, name: str) -> None:
    """Register once per process (AppConfig.ready); a second call with a name replaces."""
    for i, (known, _) in enumerate(_listeners):
        if known == name:
            _listeners[i] = (name, listener)
            return
    _listeners.append((name, listener))


def listeners() -> list[str]:
    return [name for name, _ in _listeners]


def current_causes() -> tuple[str, ...]:
    return _causes.get()


@contextlib.contextmanager
def caused_by(label: str) -> Iterator[tuple[str, ...]]:
    """Label every change made inside; yields the whole chain of labels."""
    chain = (*_causes.get(), label)
    token = _causes.set(chain)
    try:
        yield chain
    finally:
        _causes.reset(token)


def announce(
    change: Change, ticket: Ticket, *, actor: Any, at: datetime,
    message: Message | None = None, **data: Any,
) -> None:
    event = TicketChange(change, ticket, actor, at, message, data, _causes.get())
    for _name, listener in list(_listeners):
        listener(event)
