"""Automation's verbs: an agent applies a macro; the listener that feeds triggers.

Triggers (triggers.py) and time rules (timerules.py) are driven by jobs; both act only
through the ticket verbs, as SYSTEM, labelled with caused_by.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from rapport.accounts.models import User
from rapport.automation import actions
from rapport.automation.clock import sync_clock
from rapport.automation.models import Macro
from rapport.automation.queries import macros_for
from rapport.automation.triggers import record_change
from rapport.core.effects import effects_are_suppressed
from rapport.core.errors import InvalidInput, NotFound
from rapport.reports.models import ReportingEventName as RE
from rapport.reports.services import record_event
from rapport.tickets.hooks import Change, TicketChange, caused_by
from rapport.tickets.models import Ticket

CLOCK_CHANGES = frozenset({
    Change.CREATED, Change.STATUS_CHANGED, Change.MERGED,
    Change.CUSTOMER_REPLIED, Change.AGENT_REPLIED,
})


def on_ticket_change(event: TicketChange) -> None:
    """The hook listener (tickets.hooks), inside the change's transaction."""
    if event.change in CLOCK_CHANGES:
        sync_clock(event.ticket, event.at)
    if effects_are_suppressed():
        return  # history being replayed (imports, the demo): nothing reacts to it
    record_change(event)


@transaction.atomic
def apply_macro(ticket: Ticket, macro: Macro, *, agent: User) -> Ticket:
    """The macro's reply, note and actions as this agent: all of them, or none."""
    if not macros_for(agent).filter(pk=macro.pk).exists():
        raise NotFound(_("This macro is not available to you."), code="macro_not_found")
    if ticket.merged_into_id is not None:
        raise InvalidInput(_("This ticket was merged into another one."), code="ticket_merged")
    ctx = actions.Context(
        actor=agent, source=macro.label, event="automation.macro",
        data={"macro": macro.pk, "macro_name": macro.name},
        language=agent.ui_language or translation.get_language() or settings.LANGUAGE_CODE,
    )
    with caused_by(macro.label):
        if macro.reply:
            actions.send_localised_reply(ticket, macro.reply, ctx)
        if macro.note.strip():
            actions.run_add_note(ticket, {"text": macro.note}, ctx)
        actions.run(ticket, macro.actions, ctx, best_effort=False)
    ticket = Ticket.objects.get(pk=ticket.pk)
    record_event(RE.MACRO_APPLIED, ticket=ticket, at=timezone.now(), agent_id=agent.pk,
                 data={"macro": macro.pk, "name": macro.name})
    return ticket
