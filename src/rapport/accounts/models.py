"""Agents (Django users with a role), teams and skills."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    AGENT = "agent", _("Agent")
    ENGINEER = "engineer", _("Support engineer")
    SUPERVISOR = "supervisor", _("Supervisor")
    ADMIN = "admin", _("Administrator")


class Presence(models.TextChoices):
    """What the agent says about themselves; "offline" is also what no heartbeat means."""

    ONLINE = "online", _("Online")
    AWAY = "away", _("Away")


class Skill(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.AGENT)
    languages = models.JSONField(
        _("languages spoken"), default=list, blank=True, help_text=_("Language codes, e.g. en, ru")
    )
    ui_language = models.CharField(
        _("interface language"), max_length=10, choices=settings.LANGUAGES, blank=True
    )
    skills = models.ManyToManyField(Skill, blank=True, related_name="agents")
    teams: "models.ManyToManyField[Team, Membership]" = models.ManyToManyField(
        "Team", through="Membership", related_name="members"
    )
    email_signature = models.TextField(
        _("email signature"), blank=True, help_text=_("Added below your replies sent by email.")
    )
    presence = models.CharField(
        _("status"), max_length=8, choices=Presence.choices, default=Presence.ONLINE,
        help_text=_("Away: no new chats are offered, the open ones stay."),
    )
    max_chats = models.PositiveSmallIntegerField(
        _("concurrent chats"), default=3,
        help_text=_("How many chats this agent handles at once."),
    )
    is_demo = models.BooleanField(
        default=False, editable=False,
        help_text=_("Demo account with a published password: signs in only in demo mode."),
    )

    @property
    def sees_all_tickets(self) -> bool:
        return self.role in (Role.SUPERVISOR, Role.ADMIN)

    @property
    def is_rapport_admin(self) -> bool:
        return self.role == Role.ADMIN

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Team(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE)
    team = models.ForeignKey(Team, on_delete=models.CASCADE)
    is_lead = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "team"], name="uniq_membership")]
