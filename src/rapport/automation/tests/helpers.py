"""Rules made the way the admin makes them: validated first."""

from typing import Any

from rapport.automation import actions
from rapport.automation.models import Clock, Macro, TimeRule, Trigger
from rapport.tickets import conditions


def make_trigger(name: str = "Trigger", *, events: list[str], actions_: list[dict[str, Any]],
                 conditions_: dict[str, Any] | None = None, position: int = 0) -> Trigger:
    return Trigger.objects.create(
        name=name, events=events, position=position,
        conditions=conditions.validate(conditions_ or {}), actions=actions.validate(actions_),
    )


def make_time_rule(name: str = "Rule", *, status: str, hours: int,
                   actions_: list[dict[str, Any]], clock: str = Clock.STATUS_CHANGED,
                   conditions_: dict[str, Any] | None = None) -> TimeRule:
    return TimeRule.objects.create(
        name=name, status=status, hours=hours, clock=clock,
        conditions=conditions.validate(conditions_ or {}), actions=actions.validate(actions_),
    )


def make_macro(name: str = "Macro", **fields: Any) -> Macro:
    fields["actions"] = actions.validate(fields.get("actions", []), allow_empty=True)
    return Macro.objects.create(name=name, **fields)
