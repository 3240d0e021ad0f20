"""Automation: triggers (on a change), time rules (after a while), macros (one click).

Rules are admin-managed; the other tables are automation's own bookkeeping: the changes
waiting for their triggers, what fired, and each ticket's clocks for the time rules.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from rapport.tickets.models import Status

CONDITIONS_HELP = _(
    'Optional. JSON as for routing rules, e.g. {"all": [{"field": "channel", "op": "is", '
    '"value": "email"}], "any": [{"field": "keywords", "op": "contains_any", '
    '"value": ["refund", "возврат"]}]}. Triggers can also test "change", "actor" '
    '(customer, agent or system) and "previous_status".'
)
ACTIONS_HELP = _(
    'JSON list, run in order, e.g. [{"type": "set_priority", "priority": "high"}, '
    '{"type": "add_tags", "tags": ["urgent"]}, {"type": "assign", "team": 2}, '
    '{"type": "assign", "agent": 5}, {"type": "set_team", "team": 2}, '
    '{"type": "set_status", "status": "pending"}, {"type": "remove_tags", "tags": ["x"]}, '
    '{"type": "add_note", "text": "Customer {{customer.name}} wrote again"}, '
    '{"type": "email_requester", "templates": {"en": {"subject": "Still need help?", '
    '"body": "Hello {{customer.first_name}}, …"}, "ru": {"subject": "…", "body": "…"}}}, '
    '{"type": "webhook", "endpoint": 3}]. Placeholders: {{ticket.number}}, '
    "{{ticket.subject}}, {{ticket.status}}, {{ticket.priority}}, {{ticket.team}}, "
    "{{customer.name}}, {{customer.first_name}}, {{customer.email}}, {{agent.name}}, "
    "{{agent.first_name}}."
)


class Trigger(models.Model):
    """When one of `events` happens and the conditions hold, run the actions."""

    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=300, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)
    events = models.JSONField(_("events"), default=list)
    conditions = models.JSONField(
        _("conditions"), default=dict, blank=True, help_text=CONDITIONS_HELP
    )
    actions = models.JSONField(_("actions"), default=list, help_text=ACTIONS_HELP)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("trigger")

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return f"trigger:{self.pk}"


class Clock(models.TextChoices):
    """What a time rule counts its hours from."""

    STATUS_CHANGED = "status_changed", _("the status was set")
    CUSTOMER_MESSAGE = "customer_message", _("the customer's last message")
    AGENT_MESSAGE = "agent_message", _("the agent's last message")
    CREATED = "created", _("the ticket was created")
    UPDATED = "updated", _("the ticket was last updated")


class TimeRule(models.Model):
    """A ticket in `status` for `hours` since `clock` (and the conditions) → the actions."""

    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    clock = models.CharField(
        _("counted from"), max_length=16, choices=Clock.choices, default=Clock.STATUS_CHANGED
    )
    hours = models.PositiveIntegerField(
        _("hours"), validators=[MinValueValidator(1), MaxValueValidator(24 * 365)],
        help_text=_("e.g. 72 for three days."),
    )
    conditions = models.JSONField(
        _("conditions"), default=dict, blank=True, help_text=CONDITIONS_HELP
    )
    actions = models.JSONField(_("actions"), default=list, help_text=ACTIONS_HELP)
    # Where the last pass stopped in this rule's range of due tickets: the next pass goes
    # on from there, so tickets the conditions turn down cannot starve the ones behind.
    scan_after_at = models.DateTimeField(null=True, blank=True, editable=False)
    scan_after_ticket = models.BigIntegerField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("time rule")

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return f"time_rule:{self.pk}"


class Macro(models.Model):
    """Actions an agent applies to a ticket in one click, with a reply or a note."""

    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        verbose_name=_("only for team"),
        help_text=_("Blank: every agent. Set: only members of this team see the macro."),
    )
    reply = models.JSONField(
        _("public reply"), default=dict, blank=True,
        help_text=_('Optional, per language: {"en": "Hello {{customer.first_name}}, …", '
                    '"ru": "Здравствуйте, …"}. The ticket\'s language chooses.'),
    )
    note = models.TextField(
        _("internal note"), blank=True, help_text=_("Optional. Placeholders work here too.")
    )
    actions = models.JSONField(_("actions"), default=list, blank=True, help_text=ACTIONS_HELP)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "name", "id"]
        verbose_name = _("macro")

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return f"macro:{self.pk}"


class PendingTriggerRun(models.Model):
    """A change whose triggers have not run yet: written in the change's transaction.

    The job that evaluates it deletes it in its own transaction; a row left behind (a
    job lost after commit, a crash) is picked up again by the periodic recovery.
    """

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    change = models.CharField(max_length=32)
    causes = models.JSONField(default=list)
    message = models.ForeignKey(
        "tickets.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor = models.CharField(max_length=8)  # conditions.ACTOR_KINDS
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField()
    claimed_until = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["created_at"], name="automation_pending_age_idx")]

    def __str__(self) -> str:
        return f"{self.change} on #{self.ticket_id}"


class TriggerFiring(models.Model):
    """A trigger ran its actions on a ticket: the history, and the per-hour limit."""

    trigger = models.ForeignKey(Trigger, on_delete=models.CASCADE, related_name="firings")
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    change = models.CharField(max_length=32)
    causes = models.JSONField(default=list)
    errors = models.JSONField(default=list, blank=True)
    fired_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["trigger", "ticket", "fired_at"], name="automation_firing_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.trigger_id} on #{self.ticket_id}"


class TicketClock(models.Model):
    """A ticket's status and the moments time rules count from, kept by our listener.

    One index per clock, each starting with the status, so a time rule's due tickets
    are one index range however many tickets there are.
    """

    ticket = models.OneToOneField(
        "tickets.Ticket", on_delete=models.CASCADE, primary_key=True, related_name="clock"
    )
    status = models.CharField(max_length=10)
    status_since = models.DateTimeField()
    created_at = models.DateTimeField()
    customer_at = models.DateTimeField(null=True, blank=True)
    agent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["status", "status_since", "ticket"], name="clock_status_idx"),
            models.Index(fields=["status", "customer_at", "ticket"], name="clock_customer_idx"),
            models.Index(fields=["status", "agent_at", "ticket"], name="clock_agent_idx"),
            models.Index(fields=["status", "created_at", "ticket"], name="clock_created_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.ticket_id} {self.status} since {self.status_since:%Y-%m-%d %H:%M}"


class TimeRuleRun(models.Model):
    """A time rule fired for a ticket in one status period (once, by the constraint)."""

    rule = models.ForeignKey(TimeRule, on_delete=models.CASCADE, related_name="runs")
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    status_since = models.DateTimeField()
    fired_at = models.DateTimeField()
    errors = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "ticket", "status_since"], name="uniq_time_rule_run"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} on #{self.ticket_id}"

