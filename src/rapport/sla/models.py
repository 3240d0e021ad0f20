"""Business-hours calendars, SLA policies, and the SLA clocks of each ticket."""

from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rapport.tickets.models import Priority


def default_weekly_hours() -> dict[str, list[list[str]]]:
    return {day: [["09:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}


class BusinessCalendar(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC",
        help_text=_("An IANA time zone name, e.g. Europe/Belgrade or Asia/Shanghai."),
    )
    weekly_hours = models.JSONField(
        _("weekly hours"), default=default_weekly_hours,
        help_text=_('Open intervals per day in local time, e.g. {"mon": [["09:00", "13:00"], '
                    '["14:00", "18:00"]]}. A day left out is closed; "24:00" ends a day.'),
    )
    holiday_country = models.CharField(
        _("public holidays of"), max_length=3, blank=True,
        help_text=_("An ISO country code (RS, RU, CN, US, GB, DE…); its public holidays are "
                    "closed. Blank: no public holidays."),
    )
    holiday_subdivision = models.CharField(
        _("region"), max_length=10, blank=True,
        help_text=_("Optional: a state or region code of that country, e.g. BY for Bavaria."),
    )
    closed_dates = models.JSONField(
        _("extra closed days"), default=list, blank=True,
        help_text=_('Dates in YYYY-MM-DD form, e.g. ["2025-12-24", "2025-12-31"].'),
    )
    is_default = models.BooleanField(
        _("default calendar"), default=False,
        help_text=_("Used for tickets whose team has no calendar of its own."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("business-hours calendar")
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=Q(is_default=True),
                                    name="sla_one_default_calendar"),
        ]

    def __str__(self) -> str:
        return self.name


class TeamCalendar(models.Model):
    """The calendar a team works by (a team has at most one)."""

    team = models.OneToOneField("accounts.Team", on_delete=models.CASCADE,
                                related_name="sla_calendar", verbose_name=_("team"))
    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE,
                                 related_name="team_links", verbose_name=_("calendar"))

    class Meta:
        verbose_name = _("team calendar")

    def __str__(self) -> str:
        return f"{self.team_id} → {self.calendar_id}"


class Target(models.TextChoices):
    FIRST_RESPONSE = "first_response", _("First reply")
    NEXT_RESPONSE = "next_response", _("Next reply")
    RESOLUTION = "resolution", _("Resolution")


class Reassign(models.TextChoices):
    KEEP = "", _("Keep the assignee")
    QUEUE = "queue", _("Back to the team's queue")
    TEAM = "team", _("To the queue of another team")


def _minutes_field(label: Any) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(
        label, null=True, blank=True, validators=[MinValueValidator(1)],
        help_text=_("Blank: no target."),
    )


def _business_field() -> models.BooleanField:
    return models.BooleanField(
        _("in business hours"), default=True,
        help_text=_("Counted on the calendar of the ticket's team (else the default "
                    "calendar); unticked: around the clock."),
    )


class SlaPolicy(models.Model):
    """Targets for the tickets that match its conditions; the first matching policy wins."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    position = models.PositiveIntegerField(_("order"), default=0,
                                           help_text=_("Policies are tried lowest first."))
    active = models.BooleanField(_("active"), default=True)
    conditions = models.JSONField(
        _("conditions"), default=dict, blank=True,
        help_text=_('Which tickets, e.g. {"all": [{"field": "priority", "op": "is", '
                    '"value": 4}]}. Empty: every ticket.'),
    )
    first_response_minutes = _minutes_field(_("first reply within (minutes)"))
    first_response_business = _business_field()
    next_response_minutes = _minutes_field(_("next reply within (minutes)"))
    next_response_business = _business_field()
    resolution_minutes = _minutes_field(_("resolution within (minutes)"))
    resolution_business = _business_field()
    warning_share = models.FloatField(
        _("warn at"), default=0.75,
        validators=[MinValueValidator(0.05), MaxValueValidator(0.99)],
        help_text=_("The share of each target after which the ticket is in warning, "
                    "e.g. 0.75."),
    )
    warn_notify = models.BooleanField(_("on warning: notify supervisors"), default=False)
    warn_priority = models.PositiveSmallIntegerField(
        _("on warning: raise priority to"), choices=Priority.choices, null=True, blank=True)
    warn_reassign = models.CharField(_("on warning: reassign"), max_length=8,
                                     choices=Reassign.choices, default=Reassign.KEEP,
                                     blank=True)
    warn_team = models.ForeignKey(
        "accounts.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("on warning: team"))
    breach_notify = models.BooleanField(_("on breach: notify supervisors"), default=True)
    breach_priority = models.PositiveSmallIntegerField(
        _("on breach: raise priority to"), choices=Priority.choices, null=True, blank=True)
    breach_reassign = models.CharField(_("on breach: reassign"), max_length=8,
                                       choices=Reassign.choices, default=Reassign.KEEP,
                                       blank=True)
    breach_team = models.ForeignKey(
        "accounts.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("on breach: team"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")

    def __str__(self) -> str:
        return self.name


class TicketSla(models.Model):
    """The SLA state of one ticket: its policy and the time its clocks stood still."""

    ticket = models.OneToOneField("tickets.Ticket", on_delete=models.CASCADE, primary_key=True,
                                  related_name="sla")
    policy = models.ForeignKey(SlaPolicy, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+")
    # Ended pauses (pending, on hold, solved) as [start, end] ISO pairs, oldest first.
    pauses = models.JSONField(default=list, blank=True)
    paused_since = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"SLA of #{self.ticket_id}"


class ClockState(models.TextChoices):
    RUNNING = "running", _("Running")
    PAUSED = "paused", _("Paused")
    MET = "met", _("Met")
    STOPPED = "stopped", _("Stopped")


class SlaClock(models.Model):
    """One target of one ticket (a next-reply clock starts again with each new cycle)."""

    ticket = models.ForeignKey("tickets.Ticket", on_delete=models.CASCADE,
                               related_name="sla_clocks")
    target = models.CharField(max_length=16, choices=Target.choices)
    state = models.CharField(max_length=8, choices=ClockState.choices,
                             default=ClockState.RUNNING)
    policy = models.ForeignKey(SlaPolicy, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+")
    minutes = models.PositiveIntegerField()
    business = models.BooleanField(default=True)
    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="+")
    started_at = models.DateTimeField()
    warn_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    # Time stood still since started_at, in business seconds when `business`.
    paused_seconds = models.FloatField(default=0)
    warned_at = models.DateTimeField(null=True, blank=True)
    breached_at = models.DateTimeField(null=True, blank=True)
    met_at = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    # When the watch must look at this clock next (warning, then breach); None: never.
    check_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["ticket", "started_at", "target"]
        constraints = [
            models.UniqueConstraint(fields=["ticket", "target"], name="sla_one_clock_per_target"),
        ]
        # The watch reads one range of this index every 30 s: its cost follows the
        # clocks that are due, not the number of tickets or policies.
        indexes = [
            models.Index(fields=["check_at"], name="sla_clock_check_idx",
                         condition=Q(check_at__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"#{self.ticket_id} {self.target} {self.state}"
