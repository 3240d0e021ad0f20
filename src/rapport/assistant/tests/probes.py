"""Assistant rows of the permission matrix (core/tests): a rule and the state to compare."""

from typing import Any

from rapport.assistant.models import AcceptedSuggestion, PhraseRule


def probe_rule() -> PhraseRule:
    """A rule of its own, so the matrix does not depend on the built-in ones being there."""
    return PhraseRule.objects.get_or_create(
        language="en", key="probe phrase",
        defaults={"phrase": "probe phrase", "alternatives": ["probe alternative"]},
    )[0]


def rules_state(world: Any) -> list[Any]:
    probe_rule()
    return list(PhraseRule.objects.order_by("pk").values_list(
        "pk", "phrase", "alternatives", "enabled"))


def accepted_state(world: Any) -> list[Any]:
    return list(AcceptedSuggestion.objects.order_by("pk").values_list("pk", "ticket_id"))
