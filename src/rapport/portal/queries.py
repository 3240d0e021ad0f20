"""Portal reads: who owns an address, whether a link can still be used."""

from django.utils import timezone

from rapport.contacts.models import Customer, Identity, IdentityKind
from rapport.contacts.services import normalise_email
from rapport.portal.models import PortalLink
from rapport.portal.services import hash_token

# Merge chains are short; the bound only guards against a corrupted cycle.
_MAX_MERGE_HOPS = 10


def surviving_customer(customer_id: int | None) -> Customer | None:
    """The customer, or the one it was merged into; None if there is none."""
    hops = 0
    customer = None
    while customer_id is not None and hops <= _MAX_MERGE_HOPS:
        customer = Customer.objects.select_related("company").filter(pk=customer_id).first()
        if customer is None:
            return None
        customer_id = customer.merged_into_id
        hops += 1
    if customer is None or customer.merged_into_id is not None:
        return None
    return customer


def customer_for_email(email: str) -> Customer | None:
    """The (surviving) customer who owns this email identity."""
    identity = Identity.objects.filter(
        kind=IdentityKind.EMAIL, provider="", value=normalise_email(email)
    ).first()
    return surviving_customer(identity.customer_id) if identity else None


def link_is_usable(token: str) -> bool:
    """Whether the link could be redeemed now; reading it does not use it up."""
    return PortalLink.objects.filter(
        token_hash=hash_token(token), used_at__isnull=True, expires_at__gt=timezone.now()
    ).exists()
