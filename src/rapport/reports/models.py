"""Append-only reporting events, written when things happen (never derived later)."""

from django.db import models


class ReportingEventName(models.TextChoices):
    TICKET_CREATED = "ticket_created"
    FIRST_REPLY = "first_reply"
    AGENT_REPLY = "agent_reply"
    CUSTOMER_REPLY = "customer_reply"
    SOLVED = "solved"
    REOPENED = "reopened"
    CLOSED = "closed"
    ASSIGNED = "assigned"
    MERGED = "merged"
    CSAT_ANSWERED = "csat_answered"
    CHAT_FIRST_REPLY = "chat_first_reply"
    CHAT_WAIT_ALERT = "chat_wait_alert"
    CHAT_ABANDONED = "chat_abandoned"
    CHAT_TRANSFERRED = "chat_transferred"
    AUTO_ASSIGNED = "auto_assigned"
    CHAT_OFFER_MISSED = "chat_offer_missed"
    ESCALATED = "escalated"
    OWNERSHIP_ALARM = "ownership_alarm"
    SLA_WARNING = "sla_warning"
    SLA_BREACHED = "sla_breached"
    TRIGGER_FIRED = "trigger_fired"
    MACRO_APPLIED = "macro_applied"


class ReportingEvent(models.Model):
    # Plain ids, not foreign keys: a report row outlives the ticket or agent it mentions.
    name = models.CharField(max_length=32, choices=ReportingEventName.choices, db_index=True)
    ticket_id = models.BigIntegerField(null=True, db_index=True)
    team_id = models.BigIntegerField(null=True)
    agent_id = models.BigIntegerField(null=True)
    customer_id = models.BigIntegerField(null=True)
    channel = models.CharField(max_length=12, blank=True)
    occurred_at = models.DateTimeField(db_index=True)
    duration_seconds = models.FloatField(null=True, help_text="Wall-clock duration measured")
    business_duration_seconds = models.FloatField(null=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["occurred_at", "id"]
        indexes = [models.Index(fields=["name", "occurred_at"], name="reporting_name_time_idx")]

    def __str__(self) -> str:
        return f"{self.name} #{self.ticket_id} {self.occurred_at:%Y-%m-%d %H:%M}"
