"""Shapes shared by every router: the error body and short references to other rows."""

from typing import Any

from ninja import Schema

from rapport.accounts.models import Team, User
from rapport.contacts.models import Customer


class ErrorOut(Schema):
    code: str
    message: str
    details: Any = None


class UserRef(Schema):
    id: int
    username: str
    name: str

    @classmethod
    def of(cls, user: User | None) -> "UserRef | None":
        if user is None:
            return None
        return cls(id=user.pk, username=user.username, name=str(user))


class TeamRef(Schema):
    id: int
    name: str

    @classmethod
    def of(cls, team: Team | None) -> "TeamRef | None":
        return cls(id=team.pk, name=team.name) if team is not None else None


class CustomerRef(Schema):
    id: int
    name: str
    email: str

    @classmethod
    def of(cls, customer: Customer | None) -> "CustomerRef | None":
        if customer is None:
            return None
        return cls(id=customer.pk, name=customer.name, email=customer.email)


class MergeIn(Schema):
    target_id: int


# Every endpoint may answer with these; listed so the OpenAPI document shows the shape.
ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut,
}
