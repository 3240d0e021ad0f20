"""Customer verbs: find or create by identity, update, merge."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from rapport.audit.services import record_audit
from rapport.contacts.models import Company, Customer, Identity, IdentityKind
from rapport.core.emailaddr import normalise_email
from rapport.core.errors import Conflict, InvalidInput
from rapport.tickets.models import Message, Ticket, TicketEvent


@transaction.atomic
def find_or_create_by_email(email: str, *, name: str = "", language: str = "") -> Customer:
    """The customer who owns this email identity, created with it when nobody does."""
    value = normalise_email(email)
    if not value or "@" not in value:
        raise InvalidInput(_("A valid email address is required."), code="invalid_email")
    identity = Identity.objects.select_related("customer").filter(
        kind=IdentityKind.EMAIL, provider="", value=value
    ).first()
    if identity:
        return _follow_merges(identity.customer)
    customer = Customer.objects.create(name=name.strip()[:200], email=value, language=language)
    try:
        with transaction.atomic():
            Identity.objects.create(customer=customer, kind=IdentityKind.EMAIL, value=value)
    except IntegrityError:
        # Someone else created it between our read and write: use theirs.
        customer.delete()
        identity = Identity.objects.get(kind=IdentityKind.EMAIL, provider="", value=value)
        return _follow_merges(identity.customer)
    return customer


def _follow_merges(customer: Customer) -> Customer:
    seen = set()
    while customer.merged_into_id and customer.pk not in seen:
        seen.add(customer.pk)
        customer = Customer.objects.get(pk=customer.merged_into_id)
    return customer


@transaction.atomic
def add_identity(customer: Customer, *, kind: str, value: str, provider: str = "") -> Identity:
    if kind == IdentityKind.EMAIL:
        value = normalise_email(value)
    if Identity.objects.filter(kind=kind, provider=provider, value=value).exists():
        raise InvalidInput(
            _("This identity already belongs to a customer."), code="identity_taken",
            details={"kind": kind, "value": value},
        )
    return Identity.objects.create(customer=customer, kind=kind, provider=provider, value=value)


@transaction.atomic
def merge_customers(source: Customer, target: Customer, *, actor: object) -> Customer:
    """Everything of source becomes target's; source remains as a pointer to target."""
    if source.pk == target.pk:
        raise InvalidInput(_("A customer cannot be merged into itself."), code="merge_self")
    if source.merged_into_id:
        raise InvalidInput(_("That customer was already merged."), code="already_merged")
    Identity.objects.filter(customer=source).update(customer=target)
    Ticket.objects.filter(requester=source).update(requester=target)
    Message.objects.filter(author_customer=source).update(author_customer=target)
    TicketEvent.objects.filter(actor_customer=source).update(actor_customer=target)
    Customer.objects.filter(merged_into=source).update(merged_into=target)
    for attr in ("name", "email", "phone", "language", "company_id", "notes"):
        if not getattr(target, attr) and getattr(source, attr):
            setattr(target, attr, getattr(source, attr))
    target.save()
    source.merged_into = target
    source.save(update_fields=["merged_into", "updated_at"])
    record_audit("customer.merged", actor=actor, target=target, data={"source": source.pk})
    return target


@transaction.atomic
def update_customer(customer: Customer, *, actor: object, **changes: object) -> Customer:
    allowed = {"name", "phone", "language", "company", "notes"}
    unknown = set(changes) - allowed
    if unknown:
        raise InvalidInput(_("These fields cannot be changed."), details=sorted(unknown))
    for key, value in changes.items():
        setattr(customer, key, value)
    customer.save()
    return customer


@transaction.atomic
def create_customer(
    *, actor: object, name: str = "", email: str = "", phone: str = "", language: str = "",
    company: Company | None = None, notes: str = "",
) -> Customer:
    """A new customer; the email, when given, becomes its email identity and must be free."""
    value = normalise_email(email)
    if value and "@" not in value:
        raise InvalidInput(_("A valid email address is required."), code="invalid_email")
    if not (name.strip() or value or phone.strip()):
        raise InvalidInput(
            _("A customer needs a name, an email address or a phone number."),
            code="customer_empty",
        )
    customer = Customer.objects.create(
        name=name.strip()[:200], email=value, phone=phone.strip()[:40], language=language,
        company=company, notes=notes,
    )
    if value:
        try:
            with transaction.atomic():
                Identity.objects.create(customer=customer, kind=IdentityKind.EMAIL, value=value)
        except IntegrityError:
            raise Conflict(
                _("A customer with this email address already exists."),
                code="customer_exists", details={"email": value},
            ) from None
    return customer
