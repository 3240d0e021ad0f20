"""Reads of customers for the agent UI."""

from django.db.models import Q, QuerySet

from rapport.contacts.models import Customer, Identity, IdentityKind


def search_customers(term: str) -> QuerySet[Customer]:
    """Active (not merged) customers whose name, email, phone or any identity matches."""
    customers = Customer.objects.active().select_related("company")
    term = term.strip()
    if term:
        customers = customers.filter(
            Q(name__icontains=term)
            | Q(email__icontains=term)
            | Q(phone__icontains=term)
            | Q(company__name__icontains=term)
            | Q(identities__value__icontains=term)
        ).distinct()
    return customers.order_by("name", "id")


def customer_by_reference(reference: str) -> Customer | None:
    """A customer named by number (#12 or 12) or by one of their email addresses."""
    reference = reference.strip()
    number = reference.lstrip("#")
    if number.isdigit():
        return Customer.objects.filter(pk=int(number)).first()
    if "@" in reference:
        value = reference.lower()
        # Merging moves identities, so an identity always names the customer that stayed.
        identity = Identity.objects.filter(kind=IdentityKind.EMAIL, value=value).first()
        if identity is not None:
            return identity.customer
        return Customer.objects.active().filter(email__iexact=value).order_by("id").first()
    return None
