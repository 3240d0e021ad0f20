"""REST API v1 for agents and teams: read-only, under the users:read scope."""

from django.db.models import Q
from django.http import HttpRequest
from ninja import Router

from rapport.accounts.models import Team, User
from rapport.api.auth import agent, requires
from rapport.api.models import Scope
from rapport.api.schemas.accounts import MeOut, TeamListOut, TeamOut, UserListOut, UserOut
from rapport.api.schemas.common import ERRORS

users_router = Router(tags=["users"])
teams_router = Router(tags=["teams"])


@users_router.get("", response={200: UserListOut, **ERRORS})
@requires(Scope.USERS_READ)
def list_users(request: HttpRequest, team: int | None = None, q: str = "") -> UserListOut:
    """Active agents by username; filter by team id or a part of the name."""
    users = User.objects.filter(is_active=True).prefetch_related("teams").order_by("username")
    if team is not None:
        users = users.filter(teams__id=team)
    if q.strip():
        term = q.strip()
        users = users.filter(
            Q(username__icontains=term) | Q(first_name__icontains=term)
            | Q(last_name__icontains=term) | Q(email__icontains=term)
        )
    return UserListOut(items=[UserOut.of(u) for u in users.distinct()])


@users_router.get("/me", response={200: MeOut, **ERRORS})
@requires(Scope.USERS_READ)
def me(request: HttpRequest) -> MeOut:
    """Who the token (or session) acts as, and with which scopes."""
    user = agent(request)
    token = getattr(request, "api_token", None)
    return MeOut(
        **UserOut.of(user).model_dump(),
        scopes=sorted(getattr(request, "api_scopes", ())),
        token_name=token.name if token is not None else None,
    )


@teams_router.get("", response={200: TeamListOut, **ERRORS})
@requires(Scope.USERS_READ)
def list_teams(request: HttpRequest) -> TeamListOut:
    teams = Team.objects.prefetch_related("members")
    return TeamListOut(items=[TeamOut.of(t) for t in teams])
