"""Routing: who gets each ticket, and the alarms that keep a ticket from being dropped."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rapport.tickets.models import Priority

DEFAULT_CHANNEL_LIMITS = {"email": 20, "web": 20, "api": 20, "messenger": 10, "phone": 3}


class Strategy(models.TextChoices):
    ROUND_ROBIN = "round_robin", _("Round-robin")
    LEAST_LOADED = "least_loaded", _("Least loaded")


class TeamRouting(models.Model):
    """How a team hands out its tickets; a team without a row gets the defaults."""

    team = models.OneToOneField(
        "accounts.Team", on_delete=models.CASCADE, primary_key=True, related_name="routing"
    )
    auto_assign = models.BooleanField(
        _("assign automatically"), default=True,
        help_text=_("Give new tickets to an eligible agent; off: they wait in the queue."),
    )
    strategy = models.CharField(
        _("strategy"), max_length=16, choices=Strategy.choices, default=Strategy.ROUND_ROBIN
    )
    chat_offer_seconds = models.PositiveSmallIntegerField(
        _("seconds to accept a chat"), default=30,
        help_text=_("An offered chat goes to the next agent when not accepted in time."),
    )
    reassign_offline_minutes = models.PositiveSmallIntegerField(
        _("reassign after offline (minutes)"), null=True, blank=True, default=15,
        help_text=_("An agent offline this long loses their open tickets to the queue. "
                    "Blank: never."),
    )
    unassigned_alarm_minutes = models.PositiveIntegerField(
        _("alarm when unassigned (minutes)"), null=True, blank=True, default=30,
        help_text=_("A ticket without an agent this long alerts the team's supervisors."),
    )
    unanswered_alarm_minutes = models.PositiveIntegerField(
        _("alarm when unanswered (minutes)"), null=True, blank=True, default=240,
        help_text=_("A customer's message without a reply this long alerts the supervisors."),
    )
    escalation_team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("escalation team"),
    )

    class Meta:
        verbose_name = _("team routing")

    def __str__(self) -> str:
        return str(self.team)


class AgentCapacity(models.Model):
    """How much an agent handles at once; chats use User.max_chats."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
        related_name="capacity",
    )
    channel_limits = models.JSONField(
        _("open tickets per channel"), default=dict, blank=True,
        help_text=_('e.g. {"email": 20, "phone": 3}; a channel not listed has no limit '
                    "of its own."),
    )
    overall_limit = models.PositiveSmallIntegerField(
        _("open tickets overall"), default=25, help_text=_("Chats included.")
    )

    class Meta:
        verbose_name = _("agent capacity")
        verbose_name_plural = _("agent capacities")

    def __str__(self) -> str:
        return str(self.user)


class RoutingRule(models.Model):
    """Conditions on a new ticket → team, priority, tags, skills. First match wins."""

    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)
    conditions = models.JSONField(_("conditions"), default=dict, blank=True)
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        verbose_name=_("team"),
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), null=True, blank=True, choices=Priority.choices
    )
    add_tags = models.JSONField(_("tags to add"), default=list, blank=True)
    required_skills = models.ManyToManyField(
        "accounts.Skill", blank=True, related_name="+", verbose_name=_("required skills")
    )

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("routing rule")

    def __str__(self) -> str:
        return self.name


class TicketRouting(models.Model):
    """Routing's notes on one ticket."""

    ticket = models.OneToOneField(
        "tickets.Ticket", on_delete=models.CASCADE, primary_key=True, related_name="routing"
    )
    rule = models.ForeignKey(RoutingRule, null=True, blank=True, on_delete=models.SET_NULL)
    required_skills = models.JSONField(default=list, blank=True)  # skill ids
    # Set while the ticket has no agent (the unassigned alarm counts from here).
    unassigned_since = models.DateTimeField(null=True, blank=True, db_index=True)

    def __str__(self) -> str:
        return f"routing of #{self.ticket_id}"


class AgentRouting(models.Model):
    """Per agent: the last automatic assignment (round-robin) and when they went offline."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True,
        related_name="routing_state",
    )
    last_assigned_at = models.DateTimeField(null=True, blank=True)
    offline_since = models.DateTimeField(null=True, blank=True)


class OfferState(models.TextChoices):
    PENDING = "pending", _("Offered")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Not accepted in time")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ChatOffer(models.Model):
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE, related_name="+")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                              related_name="+")
    state = models.CharField(max_length=10, choices=OfferState.choices,
                             default=OfferState.PENDING)
    offered_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ticket"], condition=Q(state="pending"),
                                    name="one_pending_offer_per_ticket"),
        ]
        indexes = [models.Index(fields=["state", "expires_at"], name="offer_due_idx")]

    def __str__(self) -> str:
        return f"#{self.ticket_id} → {self.agent_id} ({self.state})"


class AlarmKind(models.TextChoices):
    UNASSIGNED = "unassigned", _("No agent")
    UNANSWERED = "unanswered", _("Customer waiting for a reply")


class OwnershipAlarm(models.Model):
    """One alarm per ticket per episode (since = when the episode began)."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE,
                               related_name="ownership_alarms")
    kind = models.CharField(max_length=12, choices=AlarmKind.choices)
    since = models.DateTimeField()
    raised_at = models.DateTimeField()
    team = models.ForeignKey("accounts.Team", null=True, on_delete=models.SET_NULL,
                             related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ticket", "kind", "since"], name="uniq_alarm"),
        ]
        indexes = [models.Index(fields=["-raised_at"], name="alarm_recent_idx")]


class EscalationReason(models.TextChoices):
    MANAGER = "manager", _("The customer asks for a manager")
    ABUSIVE = "abusive", _("Abusive customer")
    ENGINEER = "engineer", _("Needs an engineer")
    OTHER = "other", _("Other")


class Escalation(models.Model):
    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE,
                               related_name="escalations")
    reason = models.CharField(_("reason"), max_length=10, choices=EscalationReason.choices)
    note = models.TextField(_("note"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                           related_name="+")
    to_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    to_team = models.ForeignKey("accounts.Team", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    from_team = models.ForeignKey("accounts.Team", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["-created_at"], name="escalation_recent_idx")]
