"""Tickets and their timeline: messages and events in one ordered sequence."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


def fold(text: str) -> str:
    return text.casefold()[:300]


class Status(models.TextChoices):
    NEW = "new", _("New")
    OPEN = "open", _("Open")
    PENDING = "pending", _("Pending")
    ON_HOLD = "on_hold", _("On hold")
    SOLVED = "solved", _("Solved")
    CLOSED = "closed", _("Closed")


UNSOLVED_STATUSES = (Status.NEW, Status.OPEN, Status.PENDING, Status.ON_HOLD)
DONE_STATUSES = (Status.SOLVED, Status.CLOSED)


class Priority(models.IntegerChoices):
    LOW = 1, _("Low")
    NORMAL = 2, _("Normal")
    HIGH = 3, _("High")
    URGENT = 4, _("Urgent")

    @classmethod
    def from_name(cls, name: str) -> "Priority":
        return cls[name.upper()]

    @property
    def key(self) -> str:
        return self.name.lower()


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    CHAT = "chat", _("Chat")
    PHONE = "phone", _("Phone")
    WEB = "web", _("Web form")
    MESSENGER = "messenger", _("Messenger")
    API = "api", _("API")
    WALK_IN = "walk_in", _("In person")
    INTERNAL = "internal", _("Internal")


_STATUS_LABELS = dict(Status.choices)
_PRIORITY_LABELS = dict(Priority.choices)
_PRIORITY_KEYS = {p.value: p.name.lower() for p in Priority}
_CHANNEL_LABELS = dict(Channel.choices)


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=64, unique=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CustomFieldType(models.TextChoices):
    TEXT = "text", _("Text")
    NUMBER = "number", pgettext_lazy("custom field type", "Number")
    CHOICE = "choice", _("Choice")
    DATE = "date", _("Date")


class CustomField(models.Model):
    key = models.SlugField(_("key"), max_length=50, unique=True)
    label = models.CharField(_("label"), max_length=100)
    field_type = models.CharField(_("type"), max_length=10, choices=CustomFieldType.choices)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=False)
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "key"]

    def __str__(self) -> str:
        return self.label


class Ticket(models.Model):
    """The id is the ticket's human-friendly number (#1234)."""

    subject = models.CharField(_("subject"), max_length=250)
    # Case-folded copy for search: SQLite's LIKE folds ASCII letters only.
    subject_folded = models.CharField(max_length=300, blank=True, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    requester = models.ForeignKey(
        "contacts.Customer", on_delete=models.PROTECT, related_name="tickets"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tickets",
    )
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="tickets")
    language = models.CharField(_("language"), max_length=10, blank=True)
    custom_fields = models.JSONField(_("custom fields"), default=dict, blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_from"
    )
    # status is one of UNSOLVED_STATUSES; kept by the verbs so the working views
    # (my open, unassigned, my teams) are index ranges, not filters over history.
    is_open = models.BooleanField(default=True, editable=False)
    timeline_seq = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("created"))
    updated_at = models.DateTimeField(_("updated"))
    first_response_at = models.DateTimeField(null=True, blank=True)
    solved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    last_customer_message_at = models.DateTimeField(null=True, blank=True)
    last_agent_message_at = models.DateTimeField(null=True, blank=True)
    # Where it came in: "mailbox:3", "chat_site:2", "portal", "api"… (routing conditions).
    source = models.CharField(max_length=64, blank=True, editable=False)
    # The earliest running SLA deadline, kept by the sla app; "next ticket" and the
    # inbox countdowns read it. None when no target is running.
    sla_due_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-updated_at", "-id"]
        # Each inbox view and sort walks one of these in order (keyset pagination).
        indexes = [
            models.Index(fields=["-updated_at", "-id"], name="ticket_updated_idx"),
            models.Index(fields=["-created_at", "-id"], name="ticket_created_idx"),
            models.Index(fields=["-priority", "-updated_at", "-id"], name="ticket_priority_idx"),
            models.Index(fields=["status", "-updated_at", "-id"], name="ticket_status_idx"),
            models.Index(fields=["team", "-updated_at", "-id"], name="ticket_team_idx"),
            models.Index(
                fields=["team", "is_open", "-updated_at", "-id"], name="ticket_team_open_idx"
            ),
            models.Index(
                fields=["assignee", "is_open", "-updated_at", "-id"], name="ticket_assignee_idx"
            ),
            models.Index(fields=["requester", "-updated_at"], name="ticket_requester_idx"),
            models.Index(fields=["team", "is_open", "sla_due_at"], name="ticket_team_due_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"

    @property
    def number(self) -> int:
        return self.pk

    @property
    def priority_key(self) -> str:
        return _PRIORITY_KEYS.get(self.priority, "")

    # Plain dict lookups: get_FOO_display() rebuilds a hashable copy of the choices on
    # every call, which is most of the cost of rendering a 50-row inbox.
    @property
    def status_label(self) -> str:
        return str(_STATUS_LABELS.get(self.status, self.status))

    @property
    def priority_label(self) -> str:
        return str(_PRIORITY_LABELS.get(self.priority, self.priority))

    @property
    def channel_label(self) -> str:
        return str(_CHANNEL_LABELS.get(self.channel, self.channel))

    @property
    def is_done(self) -> bool:
        return self.status in DONE_STATUSES


class Direction(models.TextChoices):
    INBOUND = "inbound", _("Inbound")
    OUTBOUND = "outbound", _("Outbound")


class Message(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    seq = models.PositiveIntegerField()
    direction = models.CharField(max_length=8, choices=Direction.choices)
    is_public = models.BooleanField(default=True, help_text=_("False for an internal note"))
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    author_customer = models.ForeignKey(
        "contacts.Customer", null=True, blank=True, on_delete=models.SET_NULL
    )
    channel = models.CharField(max_length=12, choices=Channel.choices)
    language = models.CharField(max_length=10, blank=True, help_text=_("Detected on arrival"))
    body_text = models.TextField(blank=True)
    body_html = models.TextField(blank=True, help_text=_("Sanitised; safe to render"))
    channel_metadata = models.JSONField(default=dict, blank=True)
    external_id = models.CharField(max_length=255, blank=True, db_index=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["ticket", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "seq"], name="uniq_message_seq"),
        ]

    def __str__(self) -> str:
        return f"#{self.ticket_id}/{self.seq}"

    @property
    def author_name(self) -> str:
        return str(self.author_user or self.author_customer or "")


def _attachment_path(instance: "Attachment", filename: str) -> str:
    # The stored name is random: the original name is kept in a column, never on disk.
    return f"attachments/{instance.public_id[:2]}/{instance.public_id}"


def _new_public_id() -> str:
    return secrets.token_urlsafe(24)


class Attachment(models.Model):
    public_id = models.CharField(
        max_length=40, unique=True, default=_new_public_id, editable=False
    )
    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, related_name="attachments", null=True
    )
    file = models.FileField(upload_to=_attachment_path, max_length=200)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.filename


class EventKind(models.TextChoices):
    CREATED = "created", _("Created")
    STATUS = "status", _("Status changed")
    PRIORITY = "priority", _("Priority changed")
    ASSIGNED = "assigned", _("Assignee changed")
    TEAM = "team", _("Team changed")
    TAGS = "tags", _("Tags changed")
    FIELDS = "fields", _("Fields changed")
    SUBJECT = "subject", _("Subject changed")
    MERGED_INTO = "merged_into", _("Merged into another ticket")
    MERGED_FROM = "merged_from", _("Another ticket merged in")
    REQUESTER = "requester", _("Requester changed")
    TRANSFERRED = "transferred", _("Transferred")


class TicketEvent(models.Model):
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=EventKind.choices)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    actor_customer = models.ForeignKey(
        "contacts.Customer", null=True, blank=True, on_delete=models.SET_NULL
    )
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["ticket", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "seq"], name="uniq_event_seq"),
        ]

    def __str__(self) -> str:
        return f"#{self.ticket_id}/{self.seq} {self.kind}"
