"""Customer shapes."""

from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import Field, field_validator

from rapport.contacts.models import Company, Customer


class CompanyRef(Schema):
    id: int
    name: str

    @classmethod
    def of(cls, company: Company | None) -> "CompanyRef | None":
        return cls(id=company.pk, name=company.name) if company is not None else None


class IdentityOut(Schema):
    kind: str
    value: str
    provider: str
    verified: bool


class CustomerSummaryOut(Schema):
    id: int
    name: str
    email: str
    phone: str
    language: str
    company: CompanyRef | None
    merged_into_id: int | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, customer: Customer) -> "CustomerSummaryOut":
        return cls(**_summary_fields(customer))


def _summary_fields(customer: Customer) -> dict[str, Any]:
    return {
        "id": customer.pk, "name": customer.name, "email": customer.email,
        "phone": customer.phone, "language": customer.language,
        "company": CompanyRef.of(customer.company), "merged_into_id": customer.merged_into_id,
        "created_at": customer.created_at, "updated_at": customer.updated_at,
    }


class CustomerOut(CustomerSummaryOut):
    notes: str
    identities: list[IdentityOut]

    @classmethod
    def of(cls, customer: Customer) -> "CustomerOut":
        identities = [
            IdentityOut(kind=i.kind, value=i.value, provider=i.provider, verified=i.verified)
            for i in customer.identities.all()
        ]
        return cls(**_summary_fields(customer), notes=customer.notes, identities=identities)


class CustomerPageOut(Schema):
    items: list[CustomerSummaryOut]
    next_cursor: str | None


class CustomerFilters(Schema):
    q: str = Field("", max_length=200, description="A part of the name or email address")
    cursor: str | None = Field(None, max_length=500)
    limit: int = Field(25, ge=1, le=100)


class CustomerCreateIn(Schema):
    name: str = Field("", max_length=200)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)
    language: str = Field("", max_length=10)
    company_id: int | None = None
    notes: str = ""


class CustomerPatchIn(Schema):
    """Only the fields present change. The email address is an identity: not editable here."""

    name: str | None = Field(None, max_length=200)
    phone: str | None = Field(None, max_length=40)
    language: str | None = Field(None, max_length=10)
    company_id: int | None = None
    notes: str | None = None

    @field_validator("name", "phone", "language", "notes")
    @classmethod
    def _not_null(cls, value: str | None) -> str:
        if value is None:
            raise ValueError(_("may not be null"))
        return value
