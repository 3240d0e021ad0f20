"""The positive-language assistant: phrase rules, suggestions taken, and each reply's check."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    NEGATIVE = "negative", _("Negative")
    HEDGING = "hedging", _("Hedging")
    BLAME = "blame", _("Blame")
    OTHER = "other", _("Other")


class PhraseRule(models.Model):
    """Words to avoid in one language, and what to say instead."""

    language = models.CharField(
        _("language"), max_length=10, help_text=_("A language code: en, ru, zh-hans, sr…")
    )
    phrase = models.CharField(_("phrase to avoid"), max_length=200)
    # The phrase's word stems (or folded text for Chinese): one rule per key and language.
    key = models.CharField(max_length=400, editable=False)
    alternatives = models.JSONField(_("say instead"), default=list)
    category = models.CharField(
        _("category"), max_length=10, choices=Category.choices, default=Category.NEGATIVE
    )
    explanation = models.CharField(_("explanation"), max_length=300, blank=True)
    enabled = models.BooleanField(_("enabled"), default=True)
    is_builtin = models.BooleanField(_("built in"), default=False, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", editable=False,
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["language", "phrase"]
        constraints = [
            models.UniqueConstraint(fields=["language", "key"], name="assistant_rule_unique"),
        ]
        verbose_name = _("phrase rule")

    def __str__(self) -> str:
        return f"{self.language}: {self.phrase}"


class ReplyCheck(models.Model):
    """What the assistant saw in a reply when it was sent (one per public agent reply)."""

    message = models.OneToOneField(
        "tickets.Message", on_delete=models.CASCADE, related_name="assistant_check"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    language = models.CharField(max_length=10, blank=True)
    findings = models.JSONField(default=list, help_text=_("Phrases still in the text when sent"))
    findings_count = models.PositiveIntegerField(default=0)
    suggestions_accepted = models.PositiveIntegerField(default=0)
    customer_upset = models.BooleanField(default=False)
    tone_score = models.FloatField(default=0.0)
    latte = models.JSONField(null=True, blank=True)
    # All four LATTE steps covered; null when the customer was not upset.
    latte_complete = models.BooleanField(null=True)
    created_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["created_at"], name="assistant_check_created"),
            models.Index(fields=["agent", "created_at"], name="assistant_check_agent"),
        ]

    def __str__(self) -> str:
        return f"check of message {self.message_id}"


class AcceptedSuggestion(models.Model):
    """An agent clicked "Use": a phrase replaced in a draft, tied to the reply once sent."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    rule = models.ForeignKey(PhraseRule, null=True, on_delete=models.SET_NULL, related_name="+")
    phrase = models.CharField(max_length=200)
    alternative = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)
    # Not "check": that name would hide Model.check(), which Django's system checks call.
    reply_check = models.ForeignKey(
        ReplyCheck, null=True, blank=True, on_delete=models.SET_NULL, related_name="accepted"
    )

    class Meta:
        indexes = [
            models.Index(fields=["ticket", "agent", "reply_check"],
                         name="assistant_accept_pending"),
            models.Index(fields=["created_at"], name="assistant_accept_created"),
        ]

    def __str__(self) -> str:
        return f"{self.phrase} → {self.alternative}"
