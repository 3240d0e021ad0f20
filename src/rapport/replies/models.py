"""Canned replies: folders, replies, one text per language, and each time one is used.

A folder or reply without an owner is shared (every agent may use it; supervisors and
admins manage it); with an owner it is that agent's own and nobody else's.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReplyFolder(models.Model):
    name = models.CharField(_("name"), max_length=120)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
        related_name="reply_folders", verbose_name=_("owner"),
        help_text=_("Blank: shared with every agent."),
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name", "id"]
        verbose_name = _("reply folder")
        verbose_name_plural = _("reply folders")

    def __str__(self) -> str:
        return self.name

    @property
    def is_shared(self) -> bool:
        return self.owner_id is None


class CannedReply(models.Model):
    folder = models.ForeignKey(
        ReplyFolder, null=True, blank=True, on_delete=models.SET_NULL, related_name="replies",
        verbose_name=_("folder"),
    )
    title = models.CharField(_("title"), max_length=200)
    shortcut = models.CharField(
        _("shortcut"), max_length=40, blank=True,
        help_text=_("Typed after “/” in the reply box, e.g. refund."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
        related_name="canned_replies", verbose_name=_("owner"),
        help_text=_("Blank: shared with every agent."),
    )
    default_language = models.CharField(_("default language"), max_length=16, default="en")
    usage_count = models.PositiveIntegerField(_("uses"), default=0, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    # Title, shortcut and every text, case- and accent-folded (queries.fold), for search.
    search_folded = models.TextField(blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")
        indexes = [models.Index(fields=["owner", "title"], name="reply_owner_title_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_shared(self) -> bool:
        return self.owner_id is None


class ReplyVariant(models.Model):
    """The reply's text in one language; placeholders are checked when it is saved."""

    reply = models.ForeignKey(CannedReply, on_delete=models.CASCADE, related_name="variants")
    language = models.CharField(_("language"), max_length=16)
    body = models.TextField(_("text"))

    class Meta:
        ordering = ["language"]
        constraints = [
            models.UniqueConstraint(fields=["reply", "language"], name="reply_variant_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.reply} [{self.language}]"


class ReplyUse(models.Model):
    """One insertion into a ticket's reply box: CannedReply.usage_count counts these."""

    reply = models.ForeignKey(CannedReply, on_delete=models.CASCADE, related_name="uses")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    language = models.CharField(max_length=16)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.reply} → #{self.ticket_id}"
