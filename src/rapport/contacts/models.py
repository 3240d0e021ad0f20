"""Customers, their identities on each channel, and their companies."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Tier(models.TextChoices):
    """A service level sold to the customer; routing rules and SLA policies can use it."""

    STANDARD = "standard", _("Standard")
    PREMIUM = "premium", _("Premium")
    ENTERPRISE = "enterprise", _("Enterprise")


class Company(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    tier = models.CharField(_("tier"), max_length=12, choices=Tier.choices, blank=True)
    domain = models.CharField(_("email domain"), max_length=200, blank=True)
    share_tickets = models.BooleanField(
        _("members see each other's tickets"),
        default=False,
        help_text=_("Customers of this company can read every ticket of the company."),
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = _("companies")

    def __str__(self) -> str:
        return self.name


class CustomerQuerySet(models.QuerySet["Customer"]):
    def active(self) -> "CustomerQuerySet":
        return self.filter(merged_into__isnull=True)


class Customer(models.Model):
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("primary email"), blank=True, db_index=True)
    phone = models.CharField(_("primary phone"), max_length=40, blank=True)
    language = models.CharField(_("preferred language"), max_length=10, blank=True)
    company = models.ForeignKey(
        Company, null=True, blank=True, on_delete=models.SET_NULL, related_name="customers"
    )
    tier = models.CharField(
        _("tier"), max_length=12, choices=Tier.choices, blank=True,
        help_text=_("Blank: the company's tier."),
    )
    notes = models.TextField(_("notes"), blank=True)
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_from"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CustomerQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name or self.email or self.phone or f"#{self.pk}"

    @property
    def effective_tier(self) -> str:
        return self.tier or (self.company.tier if self.company_id and self.company else "")

    @property
    def first_name(self) -> str:
        return (self.name or "").split(" ")[0]


class IdentityKind(models.TextChoices):
    EMAIL = "email", _("Email address")
    PHONE = "phone", _("Phone number")
    CHAT = "chat", _("Chat visitor")
    MESSENGER = "messenger", _("Messenger account")


class Identity(models.Model):
    """One way to reach a customer. (kind, value) is unique: it names one person."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="identities")
    kind = models.CharField(max_length=16, choices=IdentityKind.choices)
    value = models.CharField(max_length=320, help_text=_("Normalised: lowercase email, E.164"))
    provider = models.CharField(max_length=40, blank=True, help_text=_("e.g. telegram, whatsapp"))
    verified = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "provider", "value"], name="uniq_identity")
        ]
        verbose_name_plural = _("identities")

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"
