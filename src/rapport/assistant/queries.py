"""Reads for the assistant: the customer's mood on a ticket, the rules, the report.

The ticket comes in already scoped (`visible_ticket_or_404`); the rules and the report
are for supervisors and admins, who see every ticket.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import get_language_info

from rapport.assistant.models import AcceptedSuggestion, PhraseRule, ReplyCheck
from rapport.assistant.tone import CALM, Tone, score_tone
from rapport.tickets.models import Channel, Direction, Message, Ticket

RECENT_MESSAGES = 10
BURSTY_CHANNELS = frozenset({Channel.CHAT, Channel.MESSENGER})
REPORT_PERIODS = (7, 30, 90)
TOP_PHRASES = 15
PHRASE_SAMPLE = 5_000  # the most recent checks with findings read for the phrase counts


# --- The customer's mood ------------------------------------------------------------

def customer_mood(ticket: Ticket, *, before_seq: int | None = None) -> Tone:
    """The tone of the customer's last public message (before `before_seq`, if given),
    counting the messages they sent in a row without an answer."""
    messages = Message.objects.filter(ticket=ticket, is_public=True)
    if before_seq is not None:
        messages = messages.filter(seq__lt=before_seq)
    recent = list(messages.order_by("-seq").values_list(
        "direction", "body_text", "language")[:RECENT_MESSAGES])
    unanswered = 0
    for direction, _text, _language in recent:
        if direction != Direction.INBOUND:
            break
        unanswered += 1
    last = next((row for row in recent if row[0] == Direction.INBOUND), None)
    if last is None:
        return CALM
    _direction, text, language = last
    # In a chat or a messenger people write in bursts: several lines in a row say nothing.
    repeats = 0 if ticket.channel in BURSTY_CHANNELS else max(0, unanswered - 1)
    return score_tone(text, language or ticket.language, repeated_contacts=repeats)


# --- Rules --------------------------------------------------------------------------

DEFAULT_LANGUAGES = ("en", "ru", "zh-hans", "sr")


def rule_languages() -> list[str]:
    """The four languages Rapport ships rules for, then any other an admin has used."""
    used = PhraseRule.objects.order_by().values_list("language", flat=True).distinct()
    extra = sorted(set(used) - set(DEFAULT_LANGUAGES))
    return [*DEFAULT_LANGUAGES, *extra]


def language_choices() -> list[tuple[str, str]]:
    """(code, name in the agent's language) for every rule language."""
    return [(code, language_name(code)) for code in rule_languages()]


def language_name(code: str) -> str:
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


def rules_in(language: str) -> QuerySet[PhraseRule]:
    return PhraseRule.objects.filter(language=language).order_by("category", "phrase")


def duplicate_rule(language: str, key: str, *, exclude_pk: int | None = None) -> bool:
    same = PhraseRule.objects.filter(language=language, key=key)
    if exclude_pk is not None:
        same = same.exclude(pk=exclude_pk)
    return same.exists()


# --- Report -------------------------------------------------------------------------

@dataclass
class ReportRow:
    label: str
    checked: int = 0
    with_phrases: int = 0
    shown: int = 0
    accepted: int = 0
    upset: int = 0
    latte_complete: int = 0

    @property
    def acceptance_rate(self) -> float | None:
        return self.accepted / self.shown if self.shown else None


@dataclass
class PhraseCount:
    rule_id: int
    phrase: str
    language: str
    left_in: int = 0
    replaced: int = 0

    @property
    def total(self) -> int:
        return self.left_in + self.replaced


@dataclass
class Report:
    days: int
    overall: ReportRow
    agents: list[ReportRow] = field(default_factory=list)
    phrases: list[PhraseCount] = field(default_factory=list)


def _totals() -> dict[str, Any]:
    return {
        "checked": Count("id"),
        "with_phrases": Count("id", filter=Q(findings_count__gt=0)),
        "left_in": Sum("findings_count"),
        "accepted": Sum("suggestions_accepted"),
        "upset": Count("id", filter=Q(customer_upset=True)),
        "latte_complete": Count("id", filter=Q(customer_upset=True, latte_complete=True)),
    }


def _row(label: str, values: dict[str, Any]) -> ReportRow:
    left_in, accepted = values["left_in"] or 0, values["accepted"] or 0
    return ReportRow(
        label=label, checked=values["checked"], with_phrases=values["with_phrases"],
        # Every phrase flagged was either replaced with a suggestion or sent as it was.
        shown=left_in + accepted, accepted=accepted, upset=values["upset"],
        latte_complete=values["latte_complete"],
    )


def assistant_report(days: int) -> Report:
    since = timezone.now() - timedelta(days=days)
    checks = ReplyCheck.objects.filter(created_at__gte=since)
    overall = _row("", checks.aggregate(**_totals()))
    per_agent: list[dict[str, Any]] = [dict(values) for values in checks.order_by().values(
        "agent_id", "agent__username", "agent__first_name", "agent__last_name",
    ).annotate(**_totals())]
    agents = sorted((_row(_agent_label(values), values) for values in per_agent),
                    key=lambda row: (-row.checked, row.label))
    return Report(days=days, overall=overall, agents=agents, phrases=_phrases(checks, since))


def _agent_label(values: dict[str, Any]) -> str:
    name = f"{values['agent__first_name'] or ''} {values['agent__last_name'] or ''}".strip()
    return name or values["agent__username"] or "—"


def _phrases(checks: QuerySet[ReplyCheck], since: Any) -> list[PhraseCount]:
    left_in: Counter[int] = Counter()
    recent = checks.filter(findings_count__gt=0).order_by("-created_at")
    for findings in recent.values_list("findings", flat=True)[:PHRASE_SAMPLE]:
        left_in.update(f["rule_id"] for f in findings or () if f.get("rule_id"))
    replaced = Counter(dict(
        AcceptedSuggestion.objects.filter(created_at__gte=since, rule__isnull=False)
        .order_by().values_list("rule_id").annotate(n=Count("id")).values_list("rule_id", "n")
    ))
    rules = PhraseRule.objects.in_bulk(set(left_in) | set(replaced))
    counts = [
        PhraseCount(rule_id=pk, phrase=rule.phrase, language=rule.language,
                    left_in=left_in[pk], replaced=replaced[pk])
        for pk, rule in rules.items()
    ]
    counts.sort(key=lambda c: (-c.total, c.phrase))
    return counts[:TOP_PHRASES]
