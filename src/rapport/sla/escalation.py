"""What a policy does when a ticket reaches a threshold: raise its priority, send it
back to a queue, and tell the supervisors (a toast now, an email after commit).

The watch calls `escalate` once per threshold of each clock, right after claiming it,
so every action happens once per target (a next-reply clock starts a new target with
each unanswered customer message). The ticket changes go through the ticket verbs as
SYSTEM, labelled ``sla:<policy id>`` so triggers can tell them apart.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Literal

from django.db import transaction
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from rapport.accounts.models import Role, Team, User
from rapport.core.effects import enqueue_on_commit, publish_on_commit
from rapport.core.errors import DomainError
from rapport.core.realtime import agent_group
from rapport.sla.models import Reassign, SlaClock, SlaPolicy, Target
from rapport.tickets import services as tickets
from rapport.tickets.hooks import caused_by
from rapport.tickets.models import Ticket

logger = logging.getLogger(__name__)

Threshold = Literal["warning", "breach"]
WARNING: Threshold = "warning"
BREACH: Threshold = "breach"


@dataclass(frozen=True)
class Actions:
    notify: bool
    priority: int | None
    reassign: str
    team: Team | None


def actions_for(policy: SlaPolicy, threshold: Threshold) -> Actions:
    if threshold == WARNING:
        return Actions(policy.warn_notify, policy.warn_priority, policy.warn_reassign,
                       policy.warn_team)
    return Actions(policy.breach_notify, policy.breach_priority, policy.breach_reassign,
                   policy.breach_team)


def escalate(ticket: Ticket, clock: SlaClock, threshold: Threshold, now: datetime) -> None:
    policy = clock.policy
    if policy is None:
        return
    actions = actions_for(policy, threshold)
    # The supervisors of the team that let it slip, even if the ticket moves away now.
    recipients = supervisors_for(ticket.team_id) if actions.notify else []
    with caused_by(f"sla:{policy.pk}"):
        priority = actions.priority
        if priority and ticket.priority < priority:
            ticket = _attempt(ticket, partial(tickets.set_priority, actor=tickets.SYSTEM,
                                              priority=priority))
        if actions.reassign == Reassign.QUEUE and ticket.assignee_id is not None:
            ticket = _attempt(ticket, lambda t: tickets.assign(
                t, actor=tickets.SYSTEM, assignee=None))
        elif actions.reassign == Reassign.TEAM and actions.team is not None:
            ticket = _attempt(ticket, lambda t: tickets.assign(
                t, actor=tickets.SYSTEM, assignee=None, team=actions.team, change_team=True))
    if recipients:
        notify(ticket, clock, threshold, recipients)


def _attempt(ticket: Ticket, action: Callable[[Ticket], Ticket]) -> Ticket:
    """One action in a savepoint: a refused one is logged, the others still happen and
    the threshold stays announced."""
    try:
        with transaction.atomic():
            return action(ticket)
    except DomainError:
        logger.warning("SLA escalation on ticket %s was refused", ticket.pk, exc_info=True)
        return ticket


def supervisors_for(team_id: int | None) -> list[User]:
    """The team's leads and the supervisors in it; else every active supervisor."""
    found: list[User] = []
    if team_id is not None:
        found = list(User.objects.filter(
            Q(membership__team_id=team_id, membership__is_lead=True)
            | Q(membership__team_id=team_id, role=Role.SUPERVISOR),
            is_active=True,
        ).distinct().order_by("pk"))
    return found or list(User.objects.filter(is_active=True, role=Role.SUPERVISOR)
                         .order_by("pk"))


def notify(ticket: Ticket, clock: SlaClock, threshold: Threshold, people: list[User]) -> None:
    """A live line for each person, in their language, and an email after commit."""
    from rapport.sla.tasks import send_sla_alert

    for person in people:
        with translation.override(person.ui_language or None):
            text = alert_line(ticket, clock, threshold)
        publish_on_commit([agent_group(person.pk)], {
            "type": "agent.alert", "kind": "sla", "text": text,
            "ticket": {"id": ticket.pk, "subject": ticket.subject},
        })
    addressed = [person.pk for person in people if person.email]
    if addressed:
        enqueue_on_commit(send_sla_alert, ticket.pk, clock.target, threshold, addressed)


def alert_line(ticket: Ticket, clock: SlaClock, threshold: Threshold) -> str:
    what = str(Target(clock.target).label) if clock.target in Target.values else clock.target
    values = {"number": ticket.pk, "subject": ticket.subject, "target": what}
    if threshold == "breach":
        return _("#%(number)s missed its target (%(target)s): %(subject)s") % values
    return _("#%(number)s is close to its target (%(target)s): %(subject)s") % values
