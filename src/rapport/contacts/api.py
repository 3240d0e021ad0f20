"""REST API v1 for customers.

Every agent may read customers (a new ticket needs its requester), but the tickets of a
customer are listed through the inbox query, so only the tickets the agent may see.
Creating a ticket for a new email address creates its customer under tickets:write.
"""

from django.db.models import Q
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from rapport.api import pagination
from rapport.api.auth import agent, requires
from rapport.api.idempotency import idempotent
from rapport.api.models import Scope
from rapport.api.schemas.common import ERRORS, MergeIn
from rapport.api.schemas.customers import (
    CustomerCreateIn,
    CustomerFilters,
    CustomerOut,
    CustomerPageOut,
    CustomerPatchIn,
    CustomerSummaryOut,
)
from rapport.api.schemas.tickets import TicketPageOut, TicketSummaryOut
from rapport.contacts import services
from rapport.contacts.models import Company, Customer
from rapport.core.errors import InvalidInput, NotFound
from rapport.tickets import inbox

router = Router(tags=["customers"])
ORDER = ["name", "id"]


def _customer(customer_id: int) -> Customer:
    customer = (
        Customer.objects.select_related("company")
        .prefetch_related("identities")
        .filter(pk=customer_id)
        .first()
    )
    if customer is None:
        raise NotFound(_("There is no customer #%(id)s.") % {"id": customer_id})
    return customer


def _company(company_id: int | None) -> Company | None:
    if company_id is None:
        return None
    company = Company.objects.filter(pk=company_id).first()
    if company is None:
        raise InvalidInput(_("There is no such company."), code="unknown_company",
                           details={"company_id": company_id})
    return company


@router.get("", response={200: CustomerPageOut, **ERRORS})
@requires(Scope.CUSTOMERS_READ)
def list_customers(request: HttpRequest, filters: Query[CustomerFilters]) -> CustomerPageOut:
    """Customers not merged away, by name; ``q`` matches a part of the name or email."""
    customers = Customer.objects.active().select_related("company")
    term = filters.q.strip()
    if term:
        customers = customers.filter(Q(name__icontains=term) | Q(email__icontains=term))
    if filters.cursor:
        values = pagination.decode(filters.cursor, [str, int])
        customers = customers.filter(pagination.after(ORDER, values))
    rows = list(customers.order_by(*ORDER)[: filters.limit + 1])
    items = rows[: filters.limit]
    next_cursor = None
    if len(rows) > filters.limit:
        next_cursor = pagination.encode([items[-1].name, items[-1].pk])
    return CustomerPageOut(
        items=[CustomerSummaryOut.of(c) for c in items], next_cursor=next_cursor
    )


@router.get("/{customer_id}", response={200: CustomerOut, **ERRORS})
@requires(Scope.CUSTOMERS_READ)
def get_customer(request: HttpRequest, customer_id: int) -> CustomerOut:
    return CustomerOut.of(_customer(customer_id))


@router.get("/{customer_id}/tickets", response={200: TicketPageOut, **ERRORS})
@requires(Scope.CUSTOMERS_READ, Scope.TICKETS_READ)
def customer_tickets(
    request: HttpRequest, customer_id: int, cursor: str | None = None,
    limit: int = Query(25, ge=1, le=inbox.MAX_LIMIT),
) -> TicketPageOut:
    """This customer's tickets that the caller may see, most recently updated first."""
    customer = _customer(customer_id)
    result = inbox.page(
        agent(request), inbox.InboxQuery(requester=customer.pk), cursor=cursor, limit=limit
    )
    return TicketPageOut(
        items=[TicketSummaryOut.of(t) for t in result.items], next_cursor=result.next_cursor
    )


@router.post("", response={201: CustomerOut, **ERRORS})
@requires(Scope.CUSTOMERS_WRITE)
@idempotent
def create_customer(request: HttpRequest, payload: CustomerCreateIn) -> Status[CustomerOut]:
    customer = services.create_customer(
        actor=agent(request), name=payload.name, email=payload.email, phone=payload.phone,
        language=payload.language, company=_company(payload.company_id), notes=payload.notes,
    )
    return Status(201, CustomerOut.of(_customer(customer.pk)))


@router.patch("/{customer_id}", response={200: CustomerOut, **ERRORS})
@requires(Scope.CUSTOMERS_WRITE)
def update_customer(
    request: HttpRequest, customer_id: int, payload: CustomerPatchIn
) -> CustomerOut:
    customer = _customer(customer_id)
    changes = payload.model_dump(exclude_unset=True)
    if "company_id" in changes:
        changes["company"] = _company(changes.pop("company_id"))
    services.update_customer(customer, actor=agent(request), **changes)
    return CustomerOut.of(_customer(customer.pk))


@router.post("/{customer_id}/merge", response={200: CustomerOut, **ERRORS})
@requires(Scope.CUSTOMERS_WRITE)
@idempotent
def merge_customer(request: HttpRequest, customer_id: int, payload: MergeIn) -> Status[CustomerOut]:
    """Merge this customer into ``target_id``: identities and tickets move to the target."""
    source = _customer(customer_id)
    target = _customer(payload.target_id)
    if target.merged_into_id:
        raise InvalidInput(_("The target customer was merged into another one."),
                           code="already_merged", details={"target_id": target.pk})
    merged = services.merge_customers(source, target, actor=agent(request))
    return Status(200, CustomerOut.of(_customer(merged.pk)))
