"""The routing watch (a periodic job): nothing sits forgotten.

* chat offers not accepted in time go to the next agent;
* tickets waiting in an auto-assigning team's queue go to agents who now have room;
* an agent offline longer than their team allows loses their new and open tickets to
  the team's queue (with a note on each ticket saying why);
* ownership alarms: a ticket without an agent, or a customer without a reply, for longer
  than the team's limit alerts the team's supervisors — once per episode.

Each step is a handful of indexed queries per team, not a pass over every ticket.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rapport.accounts.availability import available
from rapport.accounts.models import Role, Team, User
from rapport.core.effects import enqueue_on_commit, publish_on_commit
from rapport.core.realtime import agent_group
from rapport.reports.models import ReportingEventName as RE
from rapport.reports.services import record_event
from rapport.routing import services
from rapport.routing.eligibility import ACTIVE_WORK
from rapport.routing.models import (
    AgentRouting,
    AlarmKind,
    OwnershipAlarm,
    TeamRouting,
    TicketRouting,
)
from rapport.tickets.models import Ticket

logger = logging.getLogger(__name__)
ALARM_BATCH = 200


def ensure_team_settings() -> list[TeamRouting]:
    known = set(TeamRouting.objects.values_list("team_id", flat=True))
    for team in Team.objects.exclude(pk__in=known):
        TeamRouting.objects.get_or_create(team=team)
    return list(TeamRouting.objects.select_related("team"))


def watch_routing() -> dict[str, int]:
    teams = ensure_team_settings()
    return {
        "offers_expired": services.expire_offers(),
        "released": release_from_offline_agents(teams),
        "dispatched": services.dispatch_queued(),
        "alarms": raise_ownership_alarms(teams),
    }


# --- Offline agents -------------------------------------------------------------------

def release_from_offline_agents(teams: list[TeamRouting], now: datetime | None = None) -> int:
    now = now or timezone.now()
    limits = {t.team_id: t.reassign_offline_minutes for t in teams
              if t.reassign_offline_minutes is not None}
    if not limits:
        return 0
    holders = set(Ticket.objects.filter(
        team_id__in=list(limits), is_open=True, status__in=ACTIVE_WORK,
        assignee__isnull=False,
    ).values_list("assignee_id", flat=True).distinct())
    online = set(available(holders))
    AgentRouting.objects.filter(user_id__in=online, offline_since__isnull=False).update(
        offline_since=None)
    released = 0
    for agent_id in holders - online:
        state, _created = AgentRouting.objects.get_or_create(user_id=agent_id)
        if state.offline_since is None:
            AgentRouting.objects.filter(pk=agent_id).update(offline_since=now)
            continue
        released += _release_agent(agent_id, state.offline_since, limits, now)
    return released


def _release_agent(
    agent_id: int, since: datetime, limits: dict[int, int], now: datetime
) -> int:
    agent = User.objects.get(pk=agent_id)
    released = 0
    for team_id, minutes in limits.items():
        if now - since < timedelta(minutes=minutes):
            continue
        held = Ticket.objects.filter(team_id=team_id, assignee_id=agent_id, is_open=True,
                                     status__in=ACTIVE_WORK).values_list("pk", flat=True)
        for ticket_id in list(held):
            with transaction.atomic():
                ticket = Ticket.objects.select_for_update().get(pk=ticket_id)
                if ticket.assignee_id != agent_id:
                    continue
                with translation.override(ticket.language or None):
                    note = _("Back to the queue: %(agent)s has been offline for more than "
                             "%(minutes)s minutes.") % {"agent": agent, "minutes": minutes}
                services.release_to_queue(ticket, note=note)
                released += 1
    return released


# --- Ownership alarms -----------------------------------------------------------------

TOASTS_PER_SUPERVISOR = 3  # more alarms in one pass become one line linking to the list


def raise_ownership_alarms(teams: list[TeamRouting], now: datetime | None = None) -> int:
    now = now or timezone.now()
    raised: list[OwnershipAlarm] = []
    for settings in teams:
        if settings.unassigned_alarm_minutes is not None:
            raised += _unassigned(settings, now - timedelta(
                minutes=settings.unassigned_alarm_minutes), now)
        if settings.unanswered_alarm_minutes is not None:
            raised += _unanswered(settings, now - timedelta(
                minutes=settings.unanswered_alarm_minutes), now)
    _notify_supervisors(raised)
    return len(raised)


def _alarmed(kind: str, since: OuterRef) -> Exists:
    return Exists(OwnershipAlarm.objects.filter(ticket_id=OuterRef("pk"), kind=kind,
                                                since=since))


def _unassigned(settings: TeamRouting, cutoff: datetime, now: datetime) -> list[OwnershipAlarm]:
    rows = TicketRouting.objects.filter(
        unassigned_since__lte=cutoff, ticket__team_id=settings.team_id,
        ticket__is_open=True, ticket__assignee__isnull=True,
    ).exclude(
        Exists(OwnershipAlarm.objects.filter(ticket_id=OuterRef("ticket_id"),
                                             kind=AlarmKind.UNASSIGNED,
                                             since=OuterRef("unassigned_since")))
    ).values_list("ticket_id", "unassigned_since")[:ALARM_BATCH]
    return [alarm for ticket_id, since in rows if since is not None
            if (alarm := _raise(ticket_id, AlarmKind.UNASSIGNED, since, settings, now))]


def _unanswered(settings: TeamRouting, cutoff: datetime, now: datetime) -> list[OwnershipAlarm]:
    rows = Ticket.objects.filter(
        team_id=settings.team_id, is_open=True, status__in=ACTIVE_WORK,
        last_customer_message_at__lte=cutoff,
    ).filter(
        Q(last_agent_message_at__isnull=True)
        | Q(last_agent_message_at__lt=F("last_customer_message_at"))
    ).exclude(
        _alarmed(AlarmKind.UNANSWERED, OuterRef("last_customer_message_at"))
    ).values_list("pk", "last_customer_message_at")[:ALARM_BATCH]
    return [alarm for ticket_id, since in rows if since is not None
            if (alarm := _raise(ticket_id, AlarmKind.UNANSWERED, since, settings, now))]


def supervisors_of(team_id: int | None) -> list[User]:
    """The team's leads and supervisors; with none, every supervisor and admin."""
    found = list(User.objects.filter(is_active=True, membership__team_id=team_id).filter(
        Q(role__in=[Role.SUPERVISOR, Role.ADMIN]) | Q(membership__is_lead=True)
    ).distinct()) if team_id is not None else []
    if found:
        return found
    return list(User.objects.filter(is_active=True, role__in=[Role.SUPERVISOR, Role.ADMIN]))


def _raise(ticket_id: int, kind: str, since: datetime, settings: TeamRouting,
           now: datetime) -> OwnershipAlarm | None:
    """The new alarm, or None when another worker raised it first."""
    try:
        with transaction.atomic():
            alarm = OwnershipAlarm.objects.create(ticket_id=ticket_id, kind=kind, since=since,
                                                  raised_at=now, team_id=settings.team_id)
            record_event(RE.OWNERSHIP_ALARM, ticket=Ticket.objects.get(pk=ticket_id), at=now,
                         since=since, data={"kind": kind})
    except IntegrityError:
        return None
    return alarm


def _notify_supervisors(alarms: list[OwnershipAlarm]) -> None:
    """A live line per alarm (or one line for many) and one email per supervisor."""
    from rapport.routing.tasks import email_ownership_alarms

    by_supervisor: dict[int, tuple[User, list[OwnershipAlarm]]] = {}
    per_team: dict[int | None, list[User]] = {}
    for alarm in alarms:
        if alarm.team_id not in per_team:
            per_team[alarm.team_id] = supervisors_of(alarm.team_id)
        for supervisor in per_team[alarm.team_id]:
            by_supervisor.setdefault(supervisor.pk, (supervisor, []))[1].append(alarm)
    for supervisor, theirs in by_supervisor.values():
        with translation.override(supervisor.ui_language or None):
            _toast(supervisor, theirs)
        enqueue_on_commit(email_ownership_alarms, [a.pk for a in theirs], supervisor.pk)


def _toast(supervisor: User, alarms: list[OwnershipAlarm]) -> None:
    group = [agent_group(supervisor.pk)]
    if len(alarms) > TOASTS_PER_SUPERVISOR:
        text = ngettext("%(count)s ticket needs attention.",
                        "%(count)s tickets need attention.", len(alarms)) % {
                            "count": len(alarms)}
        publish_on_commit(group, {"type": "agent.alert", "kind": "alarm", "text": text,
                                  "url": reverse("routing:attention")})
        return
    for alarm in alarms:
        ticket = alarm.ticket
        publish_on_commit(group, {
            "type": "agent.alert", "kind": "alarm", "text": alarm_text(alarm),
            "ticket": {"id": ticket.pk, "subject": ticket.subject},
        })


def alarm_text(alarm: OwnershipAlarm) -> str:
    minutes = int((alarm.raised_at - alarm.since).total_seconds() // 60)
    values = {"number": alarm.ticket_id, "subject": alarm.ticket.subject, "minutes": minutes}
    if alarm.kind == AlarmKind.UNASSIGNED:
        return _("#%(number)s has had no agent for %(minutes)s minutes: %(subject)s") % values
    return _("#%(number)s: the customer has waited %(minutes)s minutes for a reply: "
             "%(subject)s") % values
