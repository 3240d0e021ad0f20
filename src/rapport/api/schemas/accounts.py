"""Agent and team shapes (read-only in v1)."""

from ninja import Schema

from rapport.accounts.models import Team, User
from rapport.api.schemas.common import TeamRef


class UserOut(Schema):
    id: int
    username: str
    name: str
    email: str
    role: str
    languages: list[str]
    teams: list[TeamRef]

    @classmethod
    def of(cls, user: User) -> "UserOut":
        return cls(
            id=user.pk, username=user.username, name=str(user), email=user.email,
            role=user.role, languages=list(user.languages or []),
            teams=[TeamRef(id=t.pk, name=t.name) for t in user.teams.all()],
        )


class UserListOut(Schema):
    items: list[UserOut]


class MeOut(UserOut):
    scopes: list[str]
    token_name: str | None


class TeamOut(Schema):
    id: int
    name: str
    description: str
    member_ids: list[int]

    @classmethod
    def of(cls, team: Team) -> "TeamOut":
        members = sorted(u.pk for u in team.members.all() if u.is_active)
        return cls(id=team.pk, name=team.name, description=team.description, member_ids=members)


class TeamListOut(Schema):
    items: list[TeamOut]
