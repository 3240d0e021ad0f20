"""Conditions on a ticket, shared by routing rules, SLA policies and triggers.

An admin writes them as JSON, checked by `validate()` when saved::

    {"all": [{"field": "channel", "op": "is", "value": "email"},
             {"field": "keywords", "op": "contains_any", "value": ["refund", "возврат"]}],
     "any": [{"field": "tier", "op": "in", "value": ["premium", "enterprise"]}]}

Every condition in "all" must hold and, when "any" is not empty, at least one of those.
An empty spec matches every ticket. `Facts` gathers what the conditions read once per
decision (tags, requester, the text), so a list of rules costs one set of queries.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from rapport.tickets.models import Channel, Message, Priority, Status, Ticket


@dataclass
class Facts:
    """What conditions may look at: the ticket, the message that caused the decision."""

    ticket: Ticket
    message: Message | None = None
    change: str = ""  # a tickets.hooks.Change value, for triggers
    previous_status: str = ""  # for triggers: the status before a ticket.status change
    actor: str = ""  # for triggers: who made the change, one of ACTOR_KINDS

    @cached_property
    def tags(self) -> set[str]:
        return set(self.ticket.tags.values_list("name", flat=True))

    @cached_property
    def text(self) -> str:
        body = self.message.body_text if self.message is not None else ""
        return f"{self.ticket.subject}\n{body}".casefold()

    @cached_property
    def words(self) -> set[str]:
        return set(re.findall(r"\w+", self.text))

    @cached_property
    def requester(self) -> Any:
        from rapport.contacts.models import Customer

        return Customer.objects.select_related("company").get(pk=self.ticket.requester_id)


Getter = Callable[[Facts], Any]


def _source_id(prefix: str) -> Getter:
    def get(facts: Facts) -> int | None:
        source = facts.ticket.source
        if source.startswith(prefix + ":"):
            try:
                return int(source.split(":", 1)[1])
            except ValueError:
                return None
        return None

    return get


# field name -> (how to read it from the facts, the operators it accepts)
SCALAR_OPS = ("is", "is_not", "in", "not_in")
NUMBER_OPS = (*SCALAR_OPS, "at_least", "at_most")
SET_OPS = ("includes", "excludes", "includes_any")
TEXT_OPS = ("contains_any", "contains_all", "contains_none")

FIELDS: dict[str, tuple[Getter, tuple[str, ...]]] = {
    "channel": (lambda f: f.ticket.channel, SCALAR_OPS),
    "source": (lambda f: f.ticket.source, SCALAR_OPS),
    "mailbox": (_source_id("mailbox"), SCALAR_OPS),
    "chat_site": (_source_id("chat_site"), SCALAR_OPS),
    "language": (lambda f: f.ticket.language, SCALAR_OPS),
    "status": (lambda f: f.ticket.status, SCALAR_OPS),
    "priority": (lambda f: f.ticket.priority, NUMBER_OPS),
    "team": (lambda f: f.ticket.team_id, SCALAR_OPS),
    "assignee": (lambda f: f.ticket.assignee_id, SCALAR_OPS),
    "tags": (lambda f: f.tags, SET_OPS),
    "company": (lambda f: f.requester.company_id, SCALAR_OPS),
    "tier": (lambda f: f.requester.effective_tier, SCALAR_OPS),
    "keywords": (lambda f: f, TEXT_OPS),
    "change": (lambda f: f.change, SCALAR_OPS),
    "previous_status": (lambda f: f.previous_status, SCALAR_OPS),
    "actor": (lambda f: f.actor, SCALAR_OPS),
}
ACTOR_KINDS = ("customer", "agent", "system")
CUSTOM_FIELD_PREFIX = "field:"

_CHOICES: dict[str, list[Any]] = {
    "channel": list(Channel.values),
    "status": list(Status.values),
    "priority": list(Priority.values),
    "previous_status": list(Status.values),
    "actor": list(ACTOR_KINDS),
}


def _field(name: str) -> tuple[Getter, tuple[str, ...]] | None:
    if name.startswith(CUSTOM_FIELD_PREFIX):
        key = name[len(CUSTOM_FIELD_PREFIX):]
        return (lambda f: f.ticket.custom_fields.get(key)), (*NUMBER_OPS, *TEXT_OPS)
    return FIELDS.get(name)


_HAN = re.compile(r"[\u3400-\u9fff]")


def _keyword_hits(facts: Facts, words: list[Any]) -> list[bool]:
    """A keyword matches a whole word; a phrase, or Chinese (no spaces), matches as text."""
    hits = []
    for word in words:
        folded = str(word).casefold().strip()
        if not folded:
            continue
        if re.fullmatch(r"\w+", folded) and not _HAN.search(folded):
            hits.append(folded in facts.words)
        else:
            hits.append(folded in facts.text)
    return hits


def _holds(condition: dict[str, Any], facts: Facts) -> bool:
    found = _field(condition["field"])
    if found is None:
        return False  # a field removed since the rule was saved never matches
    getter, _ops = found
    op, expected = condition["op"], condition.get("value")
    actual = getter(facts)
    if op in TEXT_OPS:
        words = list(expected or [])
        if isinstance(actual, Facts):
            hits = _keyword_hits(actual, words)
        else:
            text = str(actual or "").casefold()
            hits = [str(w).casefold() in text for w in words if str(w).strip()]
        if op == "contains_any":
            return any(hits)
        if op == "contains_all":
            return bool(hits) and all(hits)
        return not any(hits)
    return _compare(op, actual, expected)


def _compare(op: str, actual: Any, expected: Any) -> bool:
    if op == "is":
        return bool(actual == expected)
    if op == "is_not":
        return bool(actual != expected)
    if op == "in":
        return actual in expected
    if op == "not_in":
        return actual not in expected
    if op in ("at_least", "at_most"):
        if actual is None:
            return False
        try:
            return float(actual) >= float(expected) if op == "at_least" else (
                float(actual) <= float(expected))
        except (TypeError, ValueError):
            return False
    if op == "includes":
        return expected in actual
    if op == "excludes":
        return expected not in actual
    if op == "includes_any":
        return bool(set(expected) & actual)
    return False


def matches(spec: dict[str, Any] | None, facts: Facts) -> bool:
    if not spec:
        return True
    if not all(_holds(c, facts) for c in spec.get("all", [])):
        return False
    anyof = spec.get("any", [])
    return not anyof or any(_holds(c, facts) for c in anyof)


# --- Validation when an admin saves a spec --------------------------------------------

_LIST_OPS = ("in", "not_in", "includes_any", *TEXT_OPS)


def validate(spec: Any) -> dict[str, Any]:
    """The spec, normalised; raises ValidationError saying which condition is wrong."""
    if spec in (None, "", {}):
        return {}
    if not isinstance(spec, dict) or set(spec) - {"all", "any"}:
        raise ValidationError(_('Conditions are an object with "all" and/or "any" lists.'))
    cleaned: dict[str, Any] = {}
    for group in ("all", "any"):
        items = spec.get(group, [])
        if not isinstance(items, list):
            raise ValidationError(_('"%(group)s" must be a list.') % {"group": group})
        cleaned[group] = [_validate_one(item, i + 1) for i, item in enumerate(items)]
    return cleaned


def _validate_one(item: Any, number: int) -> dict[str, Any]:
    if not isinstance(item, dict) or not {"field", "op"} <= set(item):
        raise ValidationError(
            _('Condition %(n)s needs "field", "op" and "value".') % {"n": number})
    found = _field(str(item["field"]))
    if found is None:
        raise ValidationError(_("Condition %(n)s: unknown field %(field)s.")
                              % {"n": number, "field": item["field"]})
    if item["op"] not in found[1]:
        raise ValidationError(
            _("Condition %(n)s: %(field)s cannot use %(op)s; use one of %(ops)s.")
            % {"n": number, "field": item["field"], "op": item["op"],
               "ops": ", ".join(found[1])})
    value = item.get("value")
    if item["op"] in _LIST_OPS and not isinstance(value, list):
        raise ValidationError(_("Condition %(n)s: the value must be a list.") % {"n": number})
    allowed = _CHOICES.get(str(item["field"]))
    values = value if isinstance(value, list) else [value]
    if allowed is not None and item["op"] not in ("at_least", "at_most"):
        unknown = [v for v in values if v not in allowed]
        if unknown:
            raise ValidationError(_("Condition %(n)s: unknown value %(value)s.")
                                  % {"n": number, "value": unknown[0]})
    return {"field": str(item["field"]), "op": str(item["op"]), "value": value}
