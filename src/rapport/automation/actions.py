"""The actions triggers, time rules and macros run: checked when saved, run through verbs.

An action is a JSON object with a "type" (see ACTIONS_HELP in models.py). `validate`
normalises a list of them or raises a ValidationError naming the action and the
problem; `run` applies them in order through the ticket verbs, as the context's actor.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from rapport.accounts.models import Role, Team, User
from rapport.automation import texts
from rapport.core.errors import DomainError, InvalidInput
from rapport.tickets import services
from rapport.tickets.models import Priority, Status, Ticket
from rapport.tickets.services import Actor, Body

logger = logging.getLogger(__name__)

TAG_CHARS = 64
TEXT_CHARS = 20_000
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})*$")
WEBHOOK_EVENT = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")  # as webhooks.services


class ActionProblem(Exception):
    """What is wrong with one action, said to the admin."""


# --- Checking, when an admin saves ----------------------------------------------------

def _keys(item: dict[str, Any], allowed: set[str]) -> None:
    extra = sorted(set(item) - allowed - {"type"})
    if extra:
        raise ActionProblem(_("unknown key %(key)s; allowed: %(allowed)s.")
                       % {"key": extra[0], "allowed": ", ".join(sorted(allowed))})


def _id(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ActionProblem(_("%(what)s must be the id of one (a whole number).") % {"what": what})
    return value


def _team(value: Any) -> int:
    pk = _id(value, "team")
    if not Team.objects.filter(pk=pk).exists():
        raise ActionProblem(_("there is no team with id %(id)s.") % {"id": pk})
    return pk


def _agent(value: Any) -> int | None:
    if value is None:
        return None
    pk = _id(value, "agent")
    if not User.objects.filter(pk=pk, is_active=True, role__in=Role.values).exists():
        raise ActionProblem(_("there is no active agent with id %(id)s.") % {"id": pk})
    return pk


def _text(value: Any, what: str, *, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise ActionProblem(_("%(what)s must be a non-empty text.") % {"what": what})
    if len(value) > TEXT_CHARS:
        raise ActionProblem(_("%(what)s is too long.") % {"what": what})
    unknown = texts.unknown_placeholders(value)
    if unknown:
        raise ActionProblem(_("unknown placeholder {{%(name)s}}; known: %(known)s.")
                       % {"name": unknown[0], "known": ", ".join(texts.PLACEHOLDERS)})
    return value


def check_assign(item: dict[str, Any]) -> dict[str, Any]:
    _keys(item, {"agent", "team"})
    if "agent" not in item and "team" not in item:
        raise ActionProblem(_('give "agent" (an agent id, or null to unassign) and/or "team".'))
    cleaned: dict[str, Any] = {}
    if "agent" in item:
        cleaned["agent"] = _agent(item["agent"])
    if "team" in item:
        cleaned["team"] = _team(item["team"])
    return cleaned


def check_set_team(item: dict[str, Any]) -> dict[str, Any]:
    _keys(item, {"team"})
    if "team" not in item:
        raise ActionProblem(_('give "team": a team id, or null for no team.'))
    return {"team": None if item["team"] is None else _team(item["team"])}


def check_set_priority(item: dict[str, Any]) -> dict[str, Any]:
    _keys(item, {"priority"})
    value = item.get("priority")
    keys = [p.key for p in Priority]
    if isinstance(value, str) and value.lower() in keys:
        return {"priority": value.lower()}
    if isinstance(value, int) and not isinstance(value, bool) and value in Priority.values:
        return {"priority": Priority(value).key}
    raise ActionProblem(_("priority must be one of %(keys)s.") % {"keys": ", ".join(keys)})


def check_set_status(item: dict[str, Any]) -> dict[str, Any]:
    _keys(item, {"status"})
    if item.get("status") not in Status.values:
        raise ActionProblem(_("status must be one of %(values)s.")
                       % {"values": ", ".join(Status.values)})
    return {"status": item["status"]}


def check_tags(item: dict[str, Any]) -> dict[str, Any]:
    _keys(item, {"tags"})
    tags = item.get("tags")
    if not isinstance(tags, list) or not tags or not all(
        isinstance(t, str) and t.strip() and len(t.strip()) <= TAG_CHARS for t in tags
    ):
        raise ActionProblem(_('"tags" must be a list of tag names, e.g. ["urgent"].'))
    return {"tags": sorted({t.strip().lower() for t in tags})}


def check_add_note(item: dict[str, Any]) -> dict[str, Any]:
    _keys(item, {"text"})
    return {"text": _text(item.get("text"), "text")}


def check_localised(value: Any, *, with_subject: bool) -> dict[str, Any]:
    """{"en": {...}, "ru": {...}} (with_subject) or {"en": "text", ...}: one per language."""
    if not isinstance(value, dict) or not value:
        raise ActionProblem(_('give one text per language, e.g. {"en": …, "ru": …}.'))
    cleaned: dict[str, Any] = {}
    for code, entry in value.items():
        if not isinstance(code, str) or not _LANGUAGE_CODE.match(code.lower()):
            raise ActionProblem(_("%(code)s is not a language code such as en, ru, zh-hans, sr.")
                           % {"code": code})
        if not with_subject:
            cleaned[code.lower()] = _text(entry, code)
            continue
        if not isinstance(entry, dict) or set(entry) - {"subject", "body"}:
            raise ActionProblem(_('%(code)s: give {"subject": …, "body": …}.') % {"code": code})
        cleaned[code.lower()] = {
            "subject": _text(entry.get("subject"), f"{code} subject", required=False),
            "body": _text(entry.get("body"), f"{code} body"),
        }
    return cleaned


def check_email(item: dict[str, Any]) -> dict[str, Any]:
    _keys(item, {"templates"})
    return {"templates": check_localised(item.get("templates"), with_subject=True)}


def _webhook_endpoint(pk: int) -> Any:
    """The endpoint, or None; raises ImportError while outgoing webhooks are not installed."""
    from rapport.webhooks.models import WebhookEndpoint

    return WebhookEndpoint.objects.filter(pk=pk).first()


def check_webhook(item: dict[str, Any]) -> dict[str, Any]:
    _keys(item, {"endpoint", "event"})
    cleaned: dict[str, Any] = {"endpoint": _id(item.get("endpoint"), "endpoint")}
    try:
        found = _webhook_endpoint(cleaned["endpoint"])
    except ImportError:
        found = True  # checked when it runs
    if found is None:
        raise ActionProblem(_("there is no webhook endpoint with id %(id)s.")
                            % {"id": cleaned["endpoint"]})
    event = item.get("event")
    if event is not None:
        if not isinstance(event, str) or len(event) > 64 or not WEBHOOK_EVENT.match(event):
            raise ActionProblem(_('"event" is lower-case words joined by dots, such as '
                                  "order.synced."))
        cleaned["event"] = event
    return cleaned


CHECKS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "assign": check_assign,
    "set_team": check_set_team,
    "set_priority": check_set_priority,
    "set_status": check_set_status,
    "add_tags": check_tags,
    "remove_tags": check_tags,
    "add_note": check_add_note,
    "email_requester": check_email,
    "webhook": check_webhook,
}


def validate(value: Any, *, allow_empty: bool = False) -> list[dict[str, Any]]:
    """The actions, normalised; raises ValidationError saying which one is wrong and why."""
    if value in (None, "", []):
        if allow_empty:
            return []
        raise ValidationError(_("Add at least one action."))
    if not isinstance(value, list):
        raise ValidationError(_('Actions are a JSON list, e.g. [{"type": "add_tags", '
                                '"tags": ["urgent"]}].'))
    cleaned = []
    for number, item in enumerate(value, 1):
        kind = item.get("type") if isinstance(item, dict) else None
        check = CHECKS.get(kind) if isinstance(kind, str) else None
        if check is None:
            raise ValidationError(_('Action %(n)s needs a "type", one of: %(types)s.')
                                  % {"n": number, "types": ", ".join(CHECKS)})
        try:
            cleaned.append({"type": kind, **check(item)})
        except ActionProblem as problem:
            raise ValidationError(_("Action %(n)s (%(type)s): %(problem)s")
                                  % {"n": number, "type": kind, "problem": problem}) from None
    return cleaned


# --- Running ---------------------------------------------------------------------------

@dataclass
class Context:
    """Who runs the actions and on whose behalf (the caused_by label, the webhook event)."""

    actor: Actor
    source: str
    event: str
    data: dict[str, Any] = field(default_factory=dict)
    language: str = ""  # of internal notes; the customer's texts follow the ticket

    @property
    def agent(self) -> User | None:
        return self.actor if isinstance(self.actor, User) else None


def _fresh(ticket: Ticket) -> Ticket:
    return Ticket.objects.select_related("requester", "team", "assignee").get(pk=ticket.pk)


def _team_or_none(pk: int | None) -> Team | None:
    if pk is None:
        return None
    team = Team.objects.filter(pk=pk).first()
    if team is None:
        raise InvalidInput(_("The team of this action no longer exists."), code="no_team")
    return team


def _user_or_none(pk: int | None) -> User | None:
    if pk is None:
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None:
        raise InvalidInput(_("The agent of this action is gone or deactivated."),
                           code="no_agent")
    return user


def run_assign(ticket: Ticket, action: dict[str, Any], ctx: Context) -> None:
    if "team" in action:
        # To a team alone: the ticket waits in that team's queue (as a transfer does).
        services.assign(ticket, actor=ctx.actor, assignee=_user_or_none(action.get("agent")),
                        team=_team_or_none(action["team"]), change_team=True)
    else:
        services.assign(ticket, actor=ctx.actor, assignee=_user_or_none(action["agent"]))


def run_set_team(ticket: Ticket, action: dict[str, Any], ctx: Context) -> None:
    services.set_team(ticket, actor=ctx.actor, team=_team_or_none(action["team"]))


def run_set_priority(ticket: Ticket, action: dict[str, Any], ctx: Context) -> None:
    services.set_priority(ticket, actor=ctx.actor, priority=Priority.from_name(action["priority"]))


def run_set_status(ticket: Ticket, action: dict[str, Any], ctx: Context) -> None:
    services.set_status(ticket, actor=ctx.actor, status=action["status"])


def run_add_tags(ticket: Ticket, action: dict[str, Any], ctx: Context) -> None:
    services.change_tags(ticket, actor=ctx.actor, add=action["tags"])


def run_remove_tags(ticket: Ticket, action: dict[str, Any], ctx: Context) -> None:
    services.change_tags(ticket, actor=ctx.actor, remove=action["tags"])


def run_add_note(ticket: Ticket, action: dict[str, Any], ctx: Context) -> None:
    ticket = _fresh(ticket)
    language = ctx.language or settings.LANGUAGE_CODE
    text = texts.render(action["text"], texts.values_for(ticket, agent=ctx.agent,
                                                         language=language))
    services.add_note(ticket, actor=ctx.actor, body=Body(text=text))


def send_localised_reply(ticket: Ticket, localised: dict[str, Any], ctx: Context) -> None:
    """A public reply in the ticket's language, delivered by the ticket's channel.

    The subject is kept on the message for channels that can use one; an email reply
    keeps the conversation's subject so the customer's answer threads back.
    """
    ticket = _fresh(ticket)
    language, entry = texts.pick(localised, ticket)
    values = texts.values_for(ticket, agent=ctx.agent, language=language)
    if isinstance(entry, dict):
        body, subject = entry["body"], entry.get("subject", "")
    else:
        body, subject = entry, ""
    metadata = {"automation": {"source": ctx.source, "language": language,
                               "subject": texts.render(subject, values)}}
    services.post_reply(ticket, actor=ctx.actor, body=Body(text=texts.render(body, values)),
                        metadata=metadata)


def run_email(ticket: Ticket, action: dict[str, Any], ctx: Context) -> None:
    send_localised_reply(ticket, action["templates"], ctx)


def run_webhook(ticket: Ticket, action: dict[str, Any], ctx: Context) -> None:
    """One signed event to one endpoint, sent by the webhooks outbox after commit."""
    try:
        from rapport.webhooks.services import send_event
        endpoint = _webhook_endpoint(action["endpoint"])
    except ImportError:
        raise InvalidInput(_("Outgoing webhooks are not available in this installation."),
                           code="webhooks_unavailable") from None
    if endpoint is None:
        raise InvalidInput(_("The webhook endpoint of this action no longer exists."),
                           code="no_endpoint")
    send_event(endpoint, event=action.get("event") or ctx.event, ticket=_fresh(ticket),
               data={"source": ctx.source, **ctx.data}, actor=ctx.actor)


RUNNERS: dict[str, Callable[[Ticket, dict[str, Any], Context], None]] = {
    "assign": run_assign,
    "set_team": run_set_team,
    "set_priority": run_set_priority,
    "set_status": run_set_status,
    "add_tags": run_add_tags,
    "remove_tags": run_remove_tags,
    "add_note": run_add_note,
    "email_requester": run_email,
    "webhook": run_webhook,
}


def run(ticket: Ticket, actions: list[dict[str, Any]], ctx: Context, *,
        best_effort: bool) -> list[str]:
    """Apply the actions in order; returns the refusals (best_effort) or raises the first.

    Best effort (triggers, time rules): a refused action is undone alone and the next
    one runs: a customer without an email address still gets the ticket tagged.
    """
    errors = []
    for action in actions:
        runner = RUNNERS.get(action.get("type", ""))
        if runner is None:  # a type removed since the rule was saved
            errors.append(f"{action.get('type')}: unknown action")
            continue
        try:
            with transaction.atomic():
                runner(ticket, action, ctx)
        except DomainError as exc:
            if not best_effort:
                raise
            logger.warning("%s on #%s: %s refused: %s", ctx.source, ticket.pk,
                           action["type"], exc.message)
            errors.append(f"{action['type']}: {exc.message}")
    return errors
