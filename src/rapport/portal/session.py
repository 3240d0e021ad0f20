"""Who the portal visitor is: a customer signed in through a one-time link, or nobody."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect

from rapport.contacts.models import Customer
from rapport.portal.queries import surviving_customer

SESSION_KEY = "portal_customer_id"
LANGUAGE_KEY = "portal_language"
_LANGUAGES = {code for code, _name in settings.LANGUAGES}


def current_customer(request: HttpRequest) -> Customer | None:
    """The signed-in customer, or the one they were merged into since signing in."""
    if not hasattr(request, "_portal_customer"):
        customer_id = request.session.get(SESSION_KEY)
        request._portal_customer = (  # type: ignore[attr-defined]
            surviving_customer(customer_id) if isinstance(customer_id, int) else None
        )
    return request._portal_customer  # type: ignore[attr-defined]


def sign_in(request: HttpRequest, customer: Customer) -> None:
    # A new session key: a key planted before sign-in is worthless afterwards.
    request.session.cycle_key()
    request.session[SESSION_KEY] = customer.pk
    if customer.language in _LANGUAGES and LANGUAGE_KEY not in request.session:
        request.session[LANGUAGE_KEY] = customer.language
    request._portal_customer = customer  # type: ignore[attr-defined]


def sign_out(request: HttpRequest) -> None:
    request.session.pop(SESSION_KEY, None)
    request.session.cycle_key()
    request._portal_customer = None  # type: ignore[attr-defined]


def set_language(request: HttpRequest, language: str) -> bool:
    if language not in _LANGUAGES:
        return False
    request.session[LANGUAGE_KEY] = language
    return True


def customer_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Send visitors without a portal session to the page that mails them a link."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        customer = current_customer(request)
        if customer is None:
            return redirect("portal:request_link")
        return view(request, customer, *args, **kwargs)

    return wrapper
