"""Email channel tables: mailboxes, raw inbound mail, threading keys, outbound mail."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Security(models.TextChoices):
    SSL = "ssl", _("SSL/TLS")
    STARTTLS = "starttls", _("STARTTLS")
    NONE = "none", _("None (loopback and tests only)")


class InboundKind(models.TextChoices):
    PUSH = "push", _("Delivered to Rapport (built-in SMTP server or provider webhook)")
    IMAP = "imap", _("Fetched over IMAP")


class OutboundKind(models.TextChoices):
    DEFAULT = "default", _("Rapport's default sender (settings; may be an ESP via Anymail)")
    SMTP = "smtp", _("This mailbox's own SMTP server")


class AfterImport(models.TextChoices):
    MARK_SEEN = "seen", _("Mark as read")
    MOVE = "move", _("Move to a folder")


class Mailbox(models.Model):
    """One support address (support@, billing@…): where its mail comes from and goes out.

    Passwords are write-only: forms and the API never render them back.
    """

    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=254, unique=True)
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="mailboxes"
    )
    language = models.CharField(_("default language"), max_length=10, default="en")
    sender_name = models.CharField(_("sender name"), max_length=100, blank=True)
    trusted = models.BooleanField(
        _("trusted"), default=False,
        help_text=_("Honour X-Rapport-* headers that set ticket fields (internal senders only)."),
    )
    acknowledge_new = models.BooleanField(
        _("acknowledge new tickets"), default=True,
        help_text=_("Send the customer an automatic acknowledgement of a new ticket."),
    )
    active = models.BooleanField(_("active"), default=True)

    inbound = models.CharField(
        _("receive"), max_length=8, choices=InboundKind.choices, default=InboundKind.PUSH
    )
    imap_host = models.CharField(_("IMAP host"), max_length=255, blank=True)
    imap_port = models.PositiveIntegerField(_("IMAP port"), default=993)
    imap_security = models.CharField(
        _("IMAP security"), max_length=8, choices=Security.choices, default=Security.SSL
    )
    imap_username = models.CharField(_("IMAP user"), max_length=255, blank=True)
    imap_password = models.CharField(_("IMAP password"), max_length=255, blank=True)
    imap_folder = models.CharField(_("IMAP folder"), max_length=255, default="INBOX")
    imap_after_import = models.CharField(
        _("after import"), max_length=8, choices=AfterImport.choices, default=AfterImport.MARK_SEEN
    )
    imap_move_to = models.CharField(_("move to folder"), max_length=255, blank=True)
    imap_uidvalidity = models.BigIntegerField(null=True, blank=True, editable=False)
    imap_last_uid = models.BigIntegerField(default=0, editable=False)
    lease_owner = models.CharField(max_length=100, blank=True, editable=False)
    lease_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_polled_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.TextField(blank=True, editable=False)

    outbound = models.CharField(
        _("send"), max_length=8, choices=OutboundKind.choices, default=OutboundKind.DEFAULT
    )
    smtp_host = models.CharField(_("SMTP host"), max_length=255, blank=True)
    smtp_port = models.PositiveIntegerField(_("SMTP port"), default=587)
    smtp_security = models.CharField(
        _("SMTP security"), max_length=8, choices=Security.choices, default=Security.STARTTLS
    )
    smtp_username = models.CharField(_("SMTP user"), max_length=255, blank=True)
    smtp_password = models.CharField(_("SMTP password"), max_length=255, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["address"]
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")

    def __str__(self) -> str:
        return f"{self.name} <{self.address}>"


class InboundStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be processed")
    PROCESSED = "processed", _("Processed")
    DUPLICATE = "duplicate", _("Duplicate of an earlier mail")
    DROPPED = "dropped", _("Dropped (our own mail came back)")
    BOUNCE = "bounce", _("Bounce recorded")
    QUARANTINED = "quarantined", _("Quarantined")


class InboundEmail(models.Model):
    """A mail exactly as received. Stored (and committed) before anything reads it."""

    mailbox = models.ForeignKey(
        Mailbox, null=True, blank=True, on_delete=models.SET_NULL, related_name="inbound_emails"
    )
    source = models.CharField(max_length=20)  # smtp, imap, mailgun, postmark, sendgrid, ses…
    source_ref = models.CharField(max_length=200, blank=True)  # e.g. imap uidvalidity:uid
    envelope_from = models.CharField(max_length=320, blank=True)
    envelope_to = models.JSONField(default=list)
    raw = models.BinaryField()
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveIntegerField()
    received_at = models.DateTimeField()
    status = models.CharField(
        max_length=12, choices=InboundStatus.choices, default=InboundStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.ForeignKey(
        "tickets.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    outcome = models.JSONField(default=dict, blank=True)  # filter reasons, threading rule

    class Meta:
        indexes = [models.Index(fields=["status", "id"], name="inbound_status_idx")]
        verbose_name = _("inbound email")
        verbose_name_plural = _("inbound emails")

    def __str__(self) -> str:
        return f"inbound #{self.pk} ({self.source}, {self.status})"


class ProcessedKey(models.Model):
    """One row per real mail processed: the unique key that makes processing idempotent.

    The key is the sender plus Message-ID when the mail has one, otherwise the hash
    of its raw bytes, so two different mails without Message-ID never collide.
    """

    key = models.CharField(max_length=64, unique=True)
    inbound = models.ForeignKey(InboundEmail, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)


class ThreadKeyKind(models.TextChoices):
    RECEIVED = "received", _("Message-ID of a mail in the ticket")
    SENT = "sent", _("Message-ID of a mail Rapport sent")
    REFERENCED = "referenced", _("Message-ID a mail in the ticket replied to")


class ThreadKey(models.Model):
    """A Message-ID tied to a ticket, for threading in any arrival order."""

    value = models.CharField(max_length=255, db_index=True)
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=ThreadKeyKind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["value", "ticket", "kind"], name="uniq_thread_key")
        ]


class Participant(models.Model):
    """An address that took part in a ticket's email conversation (From, To, Cc)."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    address = models.CharField(max_length=320)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ticket", "address"], name="uniq_participant")
        ]


class BouncedAddress(models.Model):
    """The last delivery failure reported for an address (from a DSN)."""

    address = models.CharField(max_length=320, unique=True)
    status = models.CharField(max_length=20, blank=True)
    diagnostic = models.TextField(blank=True)
    inbound = models.ForeignKey(
        InboundEmail, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    count = models.PositiveIntegerField(default=1)
    last_bounced_at = models.DateTimeField()


class OutboundKindOfMail(models.TextChoices):
    REPLY = "reply", _("Agent reply")
    ACKNOWLEDGEMENT = "ack", _("Automatic acknowledgement")


class OutboundStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutboundEmail(models.Model):
    """A mail Rapport sends. Its Message-ID is fixed when queued, so a retry is the same mail."""

    ticket = models.ForeignKey(
        "tickets.Ticket", on_delete=models.CASCADE, related_name="outbound_emails"
    )
    ticket_message = models.ForeignKey(
        "tickets.Message", null=True, blank=True, on_delete=models.CASCADE,
        related_name="outbound_emails",
    )
    mailbox = models.ForeignKey(
        Mailbox, null=True, blank=True, on_delete=models.SET_NULL, related_name="outbound_emails"
    )
    kind = models.CharField(max_length=8, choices=OutboundKindOfMail.choices)
    message_id = models.CharField(max_length=255, unique=True)
    from_address = models.CharField(max_length=320)
    reply_to = models.CharField(max_length=320, blank=True)
    to = models.JSONField(default=list)
    cc = models.JSONField(default=list)
    subject = models.CharField(max_length=300)
    in_reply_to = models.CharField(max_length=255, blank=True)
    references = models.TextField(blank=True)
    body_text = models.TextField(blank=True)  # used when there is no ticket message (ack)
    language = models.CharField(max_length=10, blank=True)
    status = models.CharField(
        max_length=8, choices=OutboundStatus.choices, default=OutboundStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbound_due_idx"),
            models.Index(fields=["kind", "created_at"], name="outbound_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"outbound {self.message_id} ({self.status})"
