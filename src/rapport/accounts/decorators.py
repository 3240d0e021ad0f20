"""Access rules shared by every agent page."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from rapport.accounts.models import Role, User

View = Callable[..., HttpResponseBase]


class AgentRequest(HttpRequest):
    """The request type of views behind agent_required: the user is a signed-in agent."""

    user: User  # type: ignore[assignment]


def is_agent(user: Any) -> bool:
    """A signed-in, active staff member with a known role (customers have no user)."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and getattr(user, "role", None) in Role.values
    )


def agent_required(view: View) -> View:
    """Sign-in first; then only active users with a role may open agent pages."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not is_agent(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(wrapped)


def supervisor_required(view: View) -> View:
    """Agent pages limited to supervisors and admins (exports, merging customers)."""

    @wraps(view)
    def wrapped(request: AgentRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.sees_all_tickets:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return agent_required(wrapped)
