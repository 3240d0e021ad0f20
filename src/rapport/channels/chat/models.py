"""Chat channel tables: the websites that embed the widget, their visitors, and the
conversations (each one a ticket on the chat channel)."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _


def _site_key() -> str:
    return secrets.token_urlsafe(12)


def _identity_secret() -> str:
    return secrets.token_hex(32)


class Position(models.TextChoices):
    RIGHT = "right", _("Bottom right")
    LEFT = "left", _("Bottom left")


class ChatSite(models.Model):
    """A website that embeds the chat widget. `key` is public (in the script tag);
    `identity_secret` signs the site's own user ids and never leaves the admin."""

    name = models.CharField(_("name"), max_length=100)
    key = models.CharField(max_length=32, unique=True, default=_site_key, editable=False)
    allowed_origins = models.JSONField(
        _("allowed origins"), default=list,
        help_text=_("Origins that may open the chat, e.g. https://shop.example.com"),
    )
    identity_secret = models.CharField(max_length=64, default=_identity_secret, editable=False)
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    language = models.CharField(_("default language"), max_length=10, default="en")
    color = models.CharField(_("colour"), max_length=7, default="#0f766e")
    position = models.CharField(
        _("position"), max_length=5, choices=Position.choices, default=Position.RIGHT
    )
    greeting = models.CharField(_("greeting"), max_length=200, blank=True)
    prechat = models.JSONField(
        _("pre-chat form"), default=dict, blank=True,
        help_text=_('Per field "required", "optional" or "hidden": name, email, question.'),
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="UTC")
    opening_hours = models.JSONField(
        _("opening hours"), default=dict, blank=True,
        help_text=_('Per weekday (mon…sun) a list of ["09:00", "18:00"] ranges; empty means '
                    "always open."),
    )
    alert_after_seconds = models.PositiveIntegerField(
        _("alert after (seconds)"), default=120,
        help_text=_("A chat waiting this long for an agent alerts the team."),
    )
    abandon_after_seconds = models.PositiveIntegerField(
        _("abandoned after (seconds)"), default=300,
        help_text=_("A waiting chat whose visitor has been gone this long becomes a ticket "
                    "to follow up."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("chat site")
        verbose_name_plural = _("chat sites")

    def __str__(self) -> str:
        return self.name


class ChatInvitation(models.Model):
    """A proactive invitation the widget shows when a visit matches (at most one a visit)."""

    site = models.ForeignKey(ChatSite, on_delete=models.CASCADE, related_name="invitations")
    message = models.CharField(_("message"), max_length=200)
    url_pattern = models.CharField(
        _("page address pattern"), max_length=200, default="*",
        help_text=_("A path with * wildcards, e.g. /pricing* ."),
    )
    seconds_on_page = models.PositiveIntegerField(_("seconds on the page"), default=30)
    returning_only = models.BooleanField(_("returning visitors only"), default=False)
    min_pages = models.PositiveSmallIntegerField(_("pages seen in this visit"), default=1)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("chat invitation")
        verbose_name_plural = _("chat invitations")

    def __str__(self) -> str:
        return self.message


class ChatVisitor(models.Model):
    """A browser that opened the widget; the signed token in its localStorage names it."""

    site = models.ForeignKey(ChatSite, on_delete=models.CASCADE, related_name="visitors")
    customer = models.ForeignKey(
        "contacts.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)


class ConversationStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for an agent")
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")


class EndReason(models.TextChoices):
    VISITOR = "visitor", _("Ended by the visitor")
    AGENT = "agent", _("Ended by the agent")
    ABANDONED = "abandoned", _("Visitor left before an answer")


class ChatConversation(models.Model):
    site = models.ForeignKey(ChatSite, on_delete=models.CASCADE, related_name="conversations")
    visitor = models.ForeignKey(
        ChatVisitor, on_delete=models.CASCADE, related_name="conversations"
    )
    ticket = models.OneToOneField(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="chat"
    )
    status = models.CharField(
        max_length=8, choices=ConversationStatus.choices, default=ConversationStatus.WAITING
    )
    started_at = models.DateTimeField()
    first_agent_reply_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=10, choices=EndReason.choices, blank=True)
    alerted_at = models.DateTimeField(null=True, blank=True)
    visitor_read_seq = models.PositiveIntegerField(default=0)
    agent_read_seq = models.PositiveIntegerField(default=0)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    rating_comment = models.TextField(blank=True)
    transcripts_sent = models.PositiveSmallIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["site", "-started_at"], name="chat_site_started_idx"),
            models.Index(fields=["status", "started_at"], name="chat_status_started_idx"),
        ]


class ChatClientMessage(models.Model):
    """The visitor's own id for a message: a resend after a reconnect is stored once."""

    conversation = models.ForeignKey(
        ChatConversation, on_delete=models.CASCADE, related_name="client_messages"
    )
    client_id = models.CharField(max_length=64)
    message = models.ForeignKey("tickets.Message", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "client_id"], name="uniq_chat_client_id"
            )
        ]
