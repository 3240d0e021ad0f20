"""The assistant's reaction to ticket changes (tickets.hooks): a sent reply is checked."""

from __future__ import annotations

from rapport.accounts.models import User
from rapport.assistant.services import record_reply_check
from rapport.tickets.hooks import Change, TicketChange
from rapport.tickets.services import is_system


def on_ticket_change(change: TicketChange) -> None:
    if change.change != Change.AGENT_REPLIED or change.message is None:
        return
    if is_system(change.actor) or not isinstance(change.actor, User):
        return  # triggers, automations: no agent wrote these words
    record_reply_check(change.message, agent=change.actor)
