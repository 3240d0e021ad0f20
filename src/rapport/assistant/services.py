"""The assistant's verbs: save and switch rules, take a suggestion, record a reply's check."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.accounts.models import User
from rapport.assistant import queries
from rapport.assistant.matching import phrase_key
from rapport.assistant.models import AcceptedSuggestion, PhraseRule, ReplyCheck
from rapport.assistant.review import review_text
from rapport.audit.services import record_audit
from rapport.core.errors import InvalidInput
from rapport.tickets.models import Message, Ticket

logger = logging.getLogger(__name__)
MAX_SUGGESTION_CHARS = 200


# --- Rules --------------------------------------------------------------------------

def normalise_language(code: str) -> str:
    return code.strip().lower().replace("_", "-")


@transaction.atomic
def save_rule(rule: PhraseRule, *, actor: User) -> PhraseRule:
    """Create or change a rule (validated by PhraseRuleForm); the cache forgets on save."""
    rule.language = normalise_language(rule.language)
    rule.phrase = rule.phrase.strip()
    rule.key = phrase_key(rule.phrase, rule.language)
    rule.alternatives = [a.strip() for a in rule.alternatives if a and a.strip()]
    if not rule.key or not rule.alternatives:
        raise InvalidInput(_("A rule needs a phrase and at least one alternative."))
    if queries.duplicate_rule(rule.language, rule.key, exclude_pk=rule.pk):
        raise InvalidInput(_("This language already has a rule for this phrase."),
                           code="duplicate_rule")
    created = rule.pk is None
    if created:
        rule.created_by = actor
    rule.save()
    record_audit("assistant.rule_created" if created else "assistant.rule_changed",
                 actor=actor, target=rule,
                 data={"language": rule.language, "phrase": rule.phrase,
                       "alternatives": rule.alternatives, "enabled": rule.enabled})
    return rule


@transaction.atomic
def set_rule_enabled(rule: PhraseRule, *, enabled: bool, actor: User) -> PhraseRule:
    if rule.enabled != enabled:
        rule.enabled = enabled
        rule.save(update_fields=["enabled", "updated_at"])
        record_audit("assistant.rule_enabled" if enabled else "assistant.rule_disabled",
                     actor=actor, target=rule)
    return rule


# --- Suggestions and checks -----------------------------------------------------------

def accept_suggestion(
    ticket: Ticket, *, agent: User, rule_id: int | None, phrase: str, alternative: str,
) -> AcceptedSuggestion:
    """The agent replaced `phrase` with `alternative` in a draft of a reply on `ticket`."""
    phrase, alternative = phrase.strip(), alternative.strip()
    if not phrase or not alternative:
        raise InvalidInput(_("Say which phrase was replaced, and with what."))
    rule = PhraseRule.objects.filter(pk=rule_id).first() if rule_id else None
    return AcceptedSuggestion.objects.create(
        ticket=ticket, agent=agent, rule=rule, phrase=phrase[:MAX_SUGGESTION_CHARS],
        alternative=alternative[:MAX_SUGGESTION_CHARS],
    )


def record_reply_check(message: Message, *, agent: User) -> ReplyCheck | None:
    """Store what the assistant sees in a sent reply, in the reply's own transaction.

    The suggestions this agent took on this ticket since their last reply are tied to
    it. A failure here is logged and the reply goes out anyway (a savepoint keeps the
    outer transaction usable).
    """
    try:
        with transaction.atomic():
            return _record(message, agent)
    except Exception:
        logger.exception("assistant: could not record the check of message %s", message.pk)
        return None


def _record(message: Message, agent: User) -> ReplyCheck:
    ticket = message.ticket
    tone = queries.customer_mood(ticket, before_seq=message.seq)
    review = review_text(message.body_text, tone=tone, seed=ticket.pk,
                         fallback_languages=(ticket.language, *(agent.languages or [])))
    check = ReplyCheck.objects.create(
        message=message, agent=agent, language=review.language,
        findings=[finding.as_dict() for finding in review.findings],
        findings_count=len(review.findings), customer_upset=tone.is_upset,
        tone_score=tone.score, latte=review.latte.as_dict() if review.latte else None,
        latte_complete=review.latte.complete if review.latte else None,
        created_at=message.created_at or timezone.now(),
    )
    taken = AcceptedSuggestion.objects.filter(
        ticket=ticket, agent=agent, reply_check__isnull=True
    ).update(reply_check=check)
    if taken:
        check.suggestions_accepted = taken
        check.save(update_fields=["suggestions_accepted"])
    return check
