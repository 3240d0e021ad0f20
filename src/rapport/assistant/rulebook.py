"""The enabled rules, compiled per language and kept in this process.

A check runs on every pause in typing, so it must not read the database: the rules are
read once, compiled, and kept. Saving or deleting a rule forgets them in this process at
once (signals connected in apps.py); other processes read them again within
RULES_TTL_SECONDS.
"""

from __future__ import annotations

import threading
import time

from rapport.assistant.checking import RuleInfo, RuleMatcher, rule_language
from rapport.assistant.matching import PhraseMatcher

RULES_TTL_SECONDS = 30.0

_lock = threading.Lock()
_cache: tuple[float, dict[str, RuleMatcher]] = (0.0, {})


def rules_for(language: str) -> RuleMatcher:
    """The compiled enabled rules of a language (none for a language without rules)."""
    language = rule_language(language)
    read_at, matchers = _cache
    if time.monotonic() - read_at > RULES_TTL_SECONDS:
        matchers = _reload()
    found = matchers.get(language)
    return found if found is not None else PhraseMatcher([], language)


def forget_rules() -> None:
    global _cache
    _cache = (0.0, {})


def _reload() -> dict[str, RuleMatcher]:
    global _cache
    with _lock:
        read_at, matchers = _cache
        if time.monotonic() - read_at <= RULES_TTL_SECONDS:
            return matchers  # another thread has just read them
        matchers = _compile(_read_enabled())
        _cache = (time.monotonic(), matchers)
        return matchers


def _read_enabled() -> dict[str, list[RuleInfo]]:
    from rapport.assistant.models import PhraseRule

    by_language: dict[str, list[RuleInfo]] = {}
    rows = PhraseRule.objects.filter(enabled=True).order_by("id").values_list(
        "id", "language", "phrase", "alternatives", "category", "explanation", "is_builtin")
    for pk, language, phrase, alternatives, category, explanation, builtin in rows:
        by_language.setdefault(rule_language(language), []).append(RuleInfo(
            id=pk, phrase=phrase, alternatives=tuple(str(a) for a in alternatives or ()),
            category=category, explanation=explanation, is_builtin=builtin,
        ))
    return by_language


def _compile(by_language: dict[str, list[RuleInfo]]) -> dict[str, RuleMatcher]:
    return {
        language: PhraseMatcher(((rule.phrase, rule) for rule in rules), language)
        for language, rules in by_language.items()
    }
