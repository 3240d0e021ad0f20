"""Escalation: an explicit hand-over, with a reason, to a supervisor or an escalation team.

The ticket keeps its whole history (it is a warm transfer with the reason in the note),
the customer is told in their language that a senior colleague has it, and the
escalation is recorded for reports (`escalated` with the reason).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from rapport.accounts.availability import available
from rapport.accounts.models import Role, Team, User
from rapport.core.errors import InvalidInput
from rapport.reports.models import ReportingEventName as RE
from rapport.reports.services import record_event
from rapport.routing.models import Escalation, EscalationReason
from rapport.tickets import services as tickets
from rapport.tickets.hooks import Change, announce, caused_by
from rapport.tickets.models import Ticket

ESCALATED_TAG = "escalated"


def supervisor_for(ticket: Ticket, *, besides: int | None = None) -> User | None:
    """A supervisor of the ticket's team (online first, then least loaded), else any."""
    supervisors = User.objects.filter(is_active=True, role=Role.SUPERVISOR)
    if besides is not None:
        supervisors = supervisors.exclude(pk=besides)
    of_team = supervisors.filter(membership__team_id=ticket.team_id) if ticket.team_id else None
    pool = list(of_team) if of_team is not None and of_team.exists() else list(supervisors)
    if not pool:
        return None
    online = set(available(u.pk for u in pool))
    load = dict(
        User.objects.filter(pk__in=[u.pk for u in pool]).annotate(
            n=Count("assigned_tickets", filter=Q(assigned_tickets__is_open=True))
        ).values_list("pk", "n")
    )
    return min(pool, key=lambda u: (u.pk not in online, load.get(u.pk, 0), u.pk))


def escalation_team_for(ticket: Ticket) -> Team | None:
    from rapport.routing.services import team_settings

    if ticket.team_id is None:
        return None
    settings = team_settings(ticket.team_id)
    return settings.escalation_team


def _tell_customer(ticket: Ticket, to_supervisor: bool) -> None:
    language = ticket.language or ticket.requester.language or None
    with translation.override(language):
        if to_supervisor:
            text = _("We have passed your request to a senior colleague. They have the whole "
                     "conversation and will answer you here — there is no need to repeat "
                     "anything.")
        else:
            text = _("We have passed your request to our specialists. They have the whole "
                     "conversation and will answer you here — there is no need to repeat "
                     "anything.")
    with caused_by("escalation"):
        tickets.post_reply(ticket, actor=tickets.SYSTEM, body=tickets.Body(text=text))


@transaction.atomic
def escalate(
    ticket: Ticket, *, actor: User, reason: str, note: str, to_supervisor: bool = False,
    to_team: Team | None = None,
) -> Escalation:
    """Hand the ticket up. Without a target, its team's escalation team, else a supervisor."""
    if reason not in EscalationReason.values:
        raise InvalidInput(_("Choose a reason."), code="invalid_reason")
    note = note.strip()
    if not note:
        raise InvalidInput(_("Say in a note what the next agent should know."),
                           code="note_required")
    if not to_supervisor and to_team is None:
        to_team = escalation_team_for(ticket)
        to_supervisor = to_team is None
    supervisor = supervisor_for(ticket, besides=actor.pk) if to_supervisor else None
    if to_supervisor and supervisor is None:
        raise InvalidInput(_("There is no supervisor to escalate to."), code="no_supervisor")
    from_team = ticket.team_id
    label = EscalationReason(reason).label
    ticket = tickets.transfer(ticket, actor=actor, note=f"{label}: {note}",
                              assignee=supervisor, team=to_team)
    ticket = tickets.change_tags(ticket, actor=actor, add=[ESCALATED_TAG])
    escalation = Escalation.objects.create(
        ticket=ticket, reason=reason, note=note, by=actor, to_user=supervisor, to_team=to_team,
        from_team_id=from_team, created_at=timezone.now(),
    )
    record_event(RE.ESCALATED, ticket=ticket, at=escalation.created_at, agent_id=actor.pk,
                 data={"reason": reason, "to_user": supervisor.pk if supervisor else None,
                       "to_team": to_team.pk if to_team else None, "from_team": from_team})
    announce(Change.ESCALATED, ticket, actor=actor, at=escalation.created_at, reason=reason,
             to_user=supervisor.pk if supervisor else None,
             to_team=to_team.pk if to_team else None)
    _tell_customer(ticket, to_supervisor=supervisor is not None)
    return escalation
