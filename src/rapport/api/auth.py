"""Who is calling: a personal API token (Bearer) or a signed-in agent's session.

Either way ``request.auth`` is the agent (an active ``accounts.User``). A token carries
its scopes; a session acts with every scope, as the agent could in the UI. Customers
have no API access in v1: they are not ``User`` rows, so neither method admits them.
"""

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth
from ninja.utils import contribute_operation_callback

from rapport.accounts.models import User
from rapport.api.errors import InsufficientScope
from rapport.api.models import Scope
from rapport.api.services import mark_used, usable_token

ALL_SCOPES = frozenset(Scope.values)


class TokenAuth(HttpBearer):
    """``Authorization: Bearer rpt_…``; revoked, expired and deactivated tokens fail."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        now = timezone.now()
        api_token = usable_token(token, now=now)
        if api_token is None:
            # A bad token is refused outright, even beside a valid session cookie.
            raise AuthenticationError()
        mark_used(api_token, now)
        request.api_scopes = frozenset(api_token.scopes)  # type: ignore[attr-defined]
        request.api_token = api_token  # type: ignore[attr-defined]
        return api_token.user


class AgentSessionAuth(SessionAuth):
    """The agent UI's session cookie, with Django's CSRF check on unsafe methods.

    ninja checks CSRF before looking at the session; here the check only runs when a
    session user exists, so an anonymous call gets 401 rather than a CSRF 403.
    """

    def _get_key(self, request: HttpRequest) -> str | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        user = getattr(request, "user", None)
        if key is None or not isinstance(user, User) or not user.is_active:
            return None
        request.api_scopes = ALL_SCOPES  # type: ignore[attr-defined]
        return user


API_AUTH = [TokenAuth(), AgentSessionAuth()]


def agent(request: HttpRequest) -> User:
    """The authenticated agent of this request."""
    return request.auth  # type: ignore[attr-defined,no-any-return]


def check_scopes(request: HttpRequest, needed: tuple[str, ...]) -> None:
    granted: frozenset[str] = getattr(request, "api_scopes", frozenset())
    missing = [s for s in needed if s not in granted]
    if missing:
        raise InsufficientScope(
            _("This token lacks the scope needed here: %(scopes)s")
            % {"scopes": ", ".join(missing)},
            details={"required": list(needed), "missing": missing},
        )


def requires(*scopes: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Refuse the call with 403 insufficient_scope unless the caller holds every scope."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            check_scopes(request, scopes)
            return view(request, *args, **kwargs)

        def document(operation: Any) -> None:
            # OpenAPI text is for developers and built at import time: not translated.
            note = "Requires scope: " + ", ".join(scopes)
            operation.description = f"{operation.description or ''}\n\n{note}".strip()

        contribute_operation_callback(wrapper, document)
        return wrapper

    return decorator
