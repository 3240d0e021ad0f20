"""Turning timeline rows into what an agent reads: human, translated sentences."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from rapport.tickets.models import (
    Channel,
    CustomField,
    EventKind,
    Message,
    Priority,
    Status,
    Ticket,
    TicketEvent,
)
from rapport.tickets.queries import timeline


@dataclass
class Entry:
    kind: str  # "message" or "event"
    item: Message | TicketEvent
    text: str = ""


def _label(choices: Any, value: Any) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value or "")


def _priority(key: Any) -> str:
    try:
        return str(Priority[str(key).upper()].label)
    except KeyError:
        return str(key or "")


def _value(value: Any) -> str:
    return "—" if value in (None, "") else str(value)


def _created(d: dict[str, Any], labels: dict[str, str]) -> str:
    return _("created the ticket via %(channel)s") % {"channel": _label(Channel, d.get("channel"))}


def _status(d: dict[str, Any], labels: dict[str, str]) -> str:
    return _("changed the status from %(old)s to %(new)s") % {
        "old": _label(Status, d.get("old")), "new": _label(Status, d.get("new"))}


def _priority_changed(d: dict[str, Any], labels: dict[str, str]) -> str:
    return _("changed the priority from %(old)s to %(new)s") % {
        "old": _priority(d.get("old")), "new": _priority(d.get("new"))}


def _assigned(d: dict[str, Any], labels: dict[str, str]) -> str:
    if not d.get("new"):
        return _("removed the assignee %(old)s") % {"old": d.get("old_name") or "—"}
    return _("assigned the ticket to %(new)s") % {"new": d.get("new_name") or "—"}


def _team(d: dict[str, Any], labels: dict[str, str]) -> str:
    if not d.get("new"):
        return _("removed the ticket from team %(old)s") % {"old": d.get("old_name") or "—"}
    return _("moved the ticket to team %(new)s") % {"new": d.get("new_name") or "—"}


def _tags(d: dict[str, Any], labels: dict[str, str]) -> str:
    parts = []
    if d.get("added"):
        parts.append(_("added tags: %(tags)s") % {"tags": ", ".join(d["added"])})
    if d.get("removed"):
        parts.append(_("removed tags: %(tags)s") % {"tags": ", ".join(d["removed"])})
    return "; ".join(parts) or _("changed the tags")


def _fields(d: dict[str, Any], labels: dict[str, str]) -> str:
    old, new = d.get("old") or {}, d.get("new") or {}
    changes = [
        _("%(field)s from %(old)s to %(new)s") % {
            "field": labels.get(key, key), "old": _value(old.get(key)), "new": _value(value)}
        for key, value in new.items()
    ]
    return _("changed %(changes)s") % {"changes": "; ".join(changes)}


def _subject(d: dict[str, Any], labels: dict[str, str]) -> str:
    return _("renamed the ticket from “%(old)s” to “%(new)s”") % {
        "old": d.get("old", ""), "new": d.get("new", "")}


def _merged_into(d: dict[str, Any], labels: dict[str, str]) -> str:
    return _("merged this ticket into #%(other)s") % {"other": d.get("other")}


def _merged_from(d: dict[str, Any], labels: dict[str, str]) -> str:
    return _("merged ticket #%(other)s into this one (%(count)s messages moved)") % {
        "other": d.get("other"), "count": d.get("messages", 0)}


def _requester(d: dict[str, Any], labels: dict[str, str]) -> str:
    return _("changed the requester")


def _transferred(d: dict[str, Any], labels: dict[str, str]) -> str:
    target = d.get("to_agent_name") or d.get("to_team_name") or ""
    return _("transferred the ticket to %(target)s: “%(note)s”") % {
        "target": target, "note": d.get("note", "")}


_DESCRIBERS: dict[str, Callable[[dict[str, Any], dict[str, str]], str]] = {
    EventKind.CREATED: _created,
    EventKind.STATUS: _status,
    EventKind.PRIORITY: _priority_changed,
    EventKind.ASSIGNED: _assigned,
    EventKind.TEAM: _team,
    EventKind.TAGS: _tags,
    EventKind.FIELDS: _fields,
    EventKind.SUBJECT: _subject,
    EventKind.MERGED_INTO: _merged_into,
    EventKind.MERGED_FROM: _merged_from,
    EventKind.REQUESTER: _requester,
    EventKind.TRANSFERRED: _transferred,
}


def event_actor(event: TicketEvent) -> str:
    return str(event.actor_user or event.actor_customer or _("System"))


def describe_event(event: TicketEvent, field_labels: dict[str, str] | None = None) -> str:
    """One sentence, without the actor, in the active language."""
    describe = _DESCRIBERS.get(event.kind)
    if describe is None:
        return _label(EventKind, event.kind)
    return describe(event.data or {}, field_labels or {})


def timeline_entries(actor: Any, ticket: Ticket) -> list[Entry]:
    labels = dict(CustomField.objects.values_list("key", "label"))
    return [
        Entry("message", item)
        if isinstance(item, Message)
        else Entry("event", item, describe_event(item, labels))
        for item in timeline(actor, ticket)
    ]
