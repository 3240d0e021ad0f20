"""Routing verbs: route a new ticket, hand out queued ones, offer chats, next ticket.

They run inside the transaction of the change that called them (a new ticket is routed
in the same transaction that creates it, so it never exists unrouted) and change tickets
only through the ticket verbs, as SYSTEM, labelled ``caused_by("routing")``.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from rapport.accounts.models import Team, User
from rapport.core.effects import publish_on_commit
from rapport.core.errors import InvalidInput, NotFound
from rapport.core.realtime import agent_group
from rapport.reports.models import ReportingEventName as RE
from rapport.reports.services import record_event
from rapport.routing import eligibility
from rapport.routing.models import (
    AgentRouting,
    ChatOffer,
    OfferState,
    RoutingRule,
    TeamRouting,
    TicketRouting,
)
from rapport.tickets import services as tickets
from rapport.tickets.conditions import Facts, matches
from rapport.tickets.hooks import caused_by
from rapport.tickets.models import Channel, Message, Ticket

logger = logging.getLogger(__name__)
ROUTING = "routing"


def team_settings(team_id: int, *, lock: bool = False) -> TeamRouting:
    """The team's routing settings (defaults on first use); lock=True serialises decisions."""
    rows = TeamRouting.objects.select_for_update() if lock else TeamRouting.objects
    found = rows.filter(team_id=team_id).first()
    if found is not None:
        return found
    TeamRouting.objects.get_or_create(team_id=team_id)
    return rows.get(team_id=team_id)


# --- Rules ----------------------------------------------------------------------------

RULES_TTL_SECONDS = 5.0
_rules_cache: tuple[float, list[tuple[RoutingRule, list[int]]]] = (0.0, [])


def active_rules() -> list[tuple[RoutingRule, list[int]]]:
    """The active rules with their required skill ids, read at most every few seconds
    per process (every new ticket reads them; an admin's change shows within seconds)."""
    global _rules_cache
    read_at, rules = _rules_cache
    if time.monotonic() - read_at > RULES_TTL_SECONDS:
        rules = [(rule, sorted(s.pk for s in rule.required_skills.all()))
                 for rule in RoutingRule.objects.filter(active=True).prefetch_related(
                     "required_skills")]
        _rules_cache = (time.monotonic(), rules)
    return rules


def forget_rules() -> None:
    global _rules_cache
    _rules_cache = (0.0, [])


def first_matching_rule(
    ticket: Ticket, message: Message | None
) -> tuple[RoutingRule | None, list[int]]:
    facts = Facts(ticket=ticket, message=message)
    for rule, skills in active_rules():
        if matches(rule.conditions, facts):
            return rule, skills
    return None, []


def _apply_rule(ticket: Ticket, rule: RoutingRule) -> Ticket:
    if rule.team_id and rule.team_id != ticket.team_id:
        ticket = tickets.assign(ticket, actor=tickets.SYSTEM, assignee=ticket.assignee,
                                team=rule.team, change_team=True)
    if rule.priority and rule.priority != ticket.priority:
        ticket = tickets.set_priority(ticket, actor=tickets.SYSTEM, priority=rule.priority)
    if rule.add_tags:
        ticket = tickets.change_tags(ticket, actor=tickets.SYSTEM, add=list(rule.add_tags))
    return ticket


def route_new_ticket(ticket: Ticket, message: Message | None) -> Ticket:
    """Rules first (team, priority, tags, skills), then an agent of that team."""
    with caused_by(ROUTING):
        rule, skills = first_matching_rule(ticket, message)
        if rule is not None:
            ticket = _apply_rule(ticket, rule)
        TicketRouting.objects.create(
            ticket=ticket, rule=rule, required_skills=skills,
            unassigned_since=None if ticket.assignee_id else timezone.now(),
        )
        if ticket.assignee_id is None and ticket.team_id is not None:
            dispatch(ticket, skills=skills)
    return ticket


# --- Handing out ----------------------------------------------------------------------

def required_skills(ticket: Ticket) -> list[int]:
    row = TicketRouting.objects.filter(ticket_id=ticket.pk).values_list(
        "required_skills", flat=True).first()
    return list(row or [])


def choose_agent(
    ticket: Ticket, settings: TeamRouting, *, exclude: list[int] | None = None,
    skills: list[int] | None = None,
) -> User | None:
    assert ticket.team_id is not None
    found = eligibility.candidates(
        ticket.team_id, language=ticket.language, channel=ticket.channel,
        skills=required_skills(ticket) if skills is None else skills, exclude=exclude or [],
    )
    chosen = eligibility.pick(found, settings.strategy)
    return chosen.agent if chosen else None


def dispatch(ticket: Ticket, *, skills: list[int] | None = None) -> User | None:
    """Give an unassigned ticket of an auto-assigning team to an agent (or offer a chat).

    Returns the agent, or None when the ticket stays in the team's queue.
    """
    if ticket.team_id is None or ticket.assignee_id is not None:
        return None
    settings = team_settings(ticket.team_id, lock=True)
    if not settings.auto_assign or ticket.status not in eligibility.ACTIVE_WORK:
        return None
    if ticket.channel == Channel.CHAT:
        return offer_chat(ticket, settings)
    started = time.perf_counter()
    agent = choose_agent(ticket, settings, skills=skills)
    if agent is None:
        return None
    decided_ms = (time.perf_counter() - started) * 1000
    with caused_by(ROUTING):
        tickets.assign(ticket, actor=tickets.SYSTEM, assignee=agent)
    _note_assignment(agent, ticket, decided_ms)
    return agent


def _note_assignment(agent: User, ticket: Ticket, decided_ms: float) -> None:
    now = timezone.now()
    _mark_assigned(agent, now)
    record_event(RE.AUTO_ASSIGNED, ticket=ticket, at=now, agent_id=agent.pk,
                 data={"decision_ms": round(decided_ms, 3)})


def _mark_assigned(agent: User, now: datetime) -> None:
    if not AgentRouting.objects.filter(user=agent).update(last_assigned_at=now):
        AgentRouting.objects.update_or_create(user=agent, defaults={"last_assigned_at": now})


# --- Chat offers ----------------------------------------------------------------------

def _offered_before(ticket: Ticket) -> list[int]:
    return list(ChatOffer.objects.filter(ticket=ticket).values_list("agent_id", flat=True))


def offer_chat(ticket: Ticket, settings: TeamRouting) -> User | None:
    """Offer the chat to the next eligible agent who has not had it; None: it waits."""
    if ChatOffer.objects.filter(ticket=ticket, state=OfferState.PENDING).exists():
        return None
    agent = choose_agent(ticket, settings, exclude=_offered_before(ticket))
    if agent is None:
        return None
    now = timezone.now()
    offer = ChatOffer.objects.create(
        ticket=ticket, agent=agent, offered_at=now,
        expires_at=now + timedelta(seconds=settings.chat_offer_seconds),
    )
    _mark_assigned(agent, now)
    with translation.override(agent.ui_language or None):
        text = _("Chat #%(number)s is offered to you: %(subject)s — accept within "
                 "%(seconds)s s.") % {"number": ticket.pk, "subject": ticket.subject,
                                      "seconds": settings.chat_offer_seconds}
    publish_on_commit([agent_group(agent.pk)], {
        "type": "agent.alert", "text": text, "kind": "offer", "offer": offer.pk,
        "ticket": {"id": ticket.pk, "subject": ticket.subject},
    })
    return agent


def pending_offer(ticket: Ticket, agent: User) -> ChatOffer | None:
    return ChatOffer.objects.filter(ticket=ticket, agent=agent, state=OfferState.PENDING,
                                    expires_at__gt=timezone.now()).first()


def _locked_offer(offer_id: int, agent: User) -> ChatOffer:
    offer = ChatOffer.objects.select_for_update().filter(pk=offer_id, agent=agent).first()
    if offer is None:
        raise NotFound(_("No such offer."))
    if offer.state != OfferState.PENDING or offer.expires_at <= timezone.now():
        raise InvalidInput(_("This offer has expired."), code="offer_expired")
    return offer


@transaction.atomic
def accept_offer(offer_id: int, *, agent: User) -> Ticket:
    from rapport.channels.chat.handling import take_chat
    from rapport.channels.chat.models import ChatConversation

    offer = _locked_offer(offer_id, agent)
    conversation = ChatConversation.objects.filter(ticket_id=offer.ticket_id).first()
    if conversation is None:
        raise InvalidInput(_("This chat has ended."), code="ended")
    _answer(offer, OfferState.ACCEPTED)
    take_chat(conversation, agent=agent)
    return Ticket.objects.get(pk=offer.ticket_id)


@transaction.atomic
def decline_offer(offer_id: int, *, agent: User) -> None:
    offer = _locked_offer(offer_id, agent)
    _miss(offer, OfferState.DECLINED)


def _answer(offer: ChatOffer, state: str) -> None:
    offer.state = state
    offer.answered_at = timezone.now()
    offer.save(update_fields=["state", "answered_at"])


def _miss(offer: ChatOffer, state: str) -> None:
    """Declined or not accepted in time: the next agent gets the offer."""
    _answer(offer, state)
    ticket = Ticket.objects.get(pk=offer.ticket_id)
    record_event(RE.CHAT_OFFER_MISSED, ticket=ticket, at=timezone.now(), agent_id=offer.agent_id,
                 data={"state": state})
    dispatch(ticket)


def expire_offers() -> int:
    """Offers not accepted in time move on; returns how many expired."""
    expired = 0
    due = ChatOffer.objects.filter(state=OfferState.PENDING, expires_at__lte=timezone.now())
    for offer_id in due.values_list("pk", flat=True)[:500]:
        with transaction.atomic():
            offer = ChatOffer.objects.select_for_update().get(pk=offer_id)
            if offer.state == OfferState.PENDING:
                _miss(offer, OfferState.EXPIRED)
                expired += 1
    return expired


def withdraw_offers(ticket: Ticket, *, keep_agent: int | None) -> None:
    """The chat was taken (or moved): pending offers to anyone else lapse."""
    ChatOffer.objects.filter(ticket=ticket, state=OfferState.PENDING).exclude(
        agent_id=keep_agent).update(state=OfferState.WITHDRAWN, answered_at=timezone.now())


# --- The queue ------------------------------------------------------------------------

QUEUE_BATCH = 100


def dispatch_queued() -> int:
    """Hand out tickets waiting in auto-assigning teams' queues, oldest first."""
    assigned = 0
    for settings in TeamRouting.objects.filter(auto_assign=True):
        waiting = Ticket.objects.filter(
            team_id=settings.team_id, is_open=True, status__in=eligibility.ACTIVE_WORK,
            assignee__isnull=True, merged_into__isnull=True,
        ).order_by("created_at").values_list("pk", flat=True)[:QUEUE_BATCH]
        for ticket_id in waiting:
            with transaction.atomic():
                ticket = Ticket.objects.select_for_update().get(pk=ticket_id)
                if dispatch(ticket) is not None:
                    assigned += 1
    return assigned


# --- Next ticket ----------------------------------------------------------------------

NEXT_CANDIDATES = 50


def next_ticket_candidates(agent: User) -> list[Ticket]:
    """Unassigned tickets of the agent's teams they may take, most urgent first."""
    from django.db.models import F

    team_ids = list(agent.teams.values_list("pk", flat=True))
    rows = (
        Ticket.objects.filter(team_id__in=team_ids, is_open=True, assignee__isnull=True,
                              status__in=eligibility.ACTIVE_WORK, merged_into__isnull=True)
        .order_by(F("sla_due_at").asc(nulls_last=True), "-priority", "created_at")
        [:NEXT_CANDIDATES]
    )
    found = list(rows)
    needs = dict(TicketRouting.objects.filter(ticket__in=found).values_list(
        "ticket_id", "required_skills"))
    owned = set(agent.skills.values_list("pk", flat=True))
    return [t for t in found if eligibility.speaks(agent, t.language)
            and set(needs.get(t.pk) or []) <= owned]


def take_next_ticket(agent: User) -> Ticket | None:
    """Assign the agent the most urgent ticket they are eligible for (None: nothing)."""
    load = eligibility.loads([agent.pk])[agent.pk]
    for candidate in next_ticket_candidates(agent):
        taken = _try_take(candidate, agent, load)
        if taken is not None:
            return taken
    return None


def _try_take(ticket: Ticket, agent: User, load: eligibility.Load) -> Ticket | None:
    from rapport.channels.chat.handling import take_chat
    from rapport.channels.chat.models import ChatConversation

    with transaction.atomic():
        locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if locked.assignee_id is not None or locked.status not in eligibility.ACTIVE_WORK:
            return None  # someone was faster
        if locked.channel == Channel.CHAT:
            conversation = ChatConversation.objects.filter(ticket=locked).first()
            if conversation is None or load.chats >= agent.max_chats:
                return None
            try:
                take_chat(conversation, agent=agent)
            except InvalidInput:
                return None
        else:
            tickets.assign(locked, actor=agent, assignee=agent)
        return locked


def release_to_queue(ticket: Ticket, *, note: str) -> None:
    """Take the ticket from its agent back to the team's queue, saying why."""
    if ticket.team_id is None:
        return
    with caused_by(ROUTING):
        tickets.transfer(ticket, actor=tickets.SYSTEM, note=note,
                         team=Team.objects.get(pk=ticket.team_id))
