"""One error shape for the whole API: {"code": str, "message": str, "details": …}.

Every failure — a domain error, a malformed payload, a missing token, an unknown
ticket — leaves through the handlers installed here, so clients parse one format.
"""

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from rapport.core.errors import DomainError

logger = logging.getLogger(__name__)


class InsufficientScope(DomainError):
    code = "insufficient_scope"
    status = 403


class IdempotencyKeyReused(DomainError):
    code = "idempotency_key_reused"
    status = 422


class IdempotencyInProgress(DomainError):
    code = "idempotency_in_progress"
    status = 409


def error_response(status: int, code: str, message: str, details: Any = None) -> JsonResponse:
    body = {"code": code, "message": message, "details": details if details is not None else {}}
    return JsonResponse(body, status=status)


def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return error_response(exc.status, exc.code, str(exc.message), exc.details)


# Handlers name their body parameter ``payload`` and their query schema ``filters``;
# clients know fields, not parameter names, so those are dropped from locations.
_PARAM_NAMES = {"payload", "filters"}
_SOURCES = {"body", "query", "path", "header", "cookie", "form"}


def _field_name(loc: list[Any] | tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in _SOURCES:
        parts = parts[1:]
    if parts and parts[0] in _PARAM_NAMES:
        parts = parts[1:]
    return ".".join(parts) or "payload"


def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    details: dict[str, list[str]] = {}
    for error in exc.errors:
        details.setdefault(_field_name(error.get("loc", ())), []).append(str(error.get("msg")))
    return error_response(422, "invalid_payload", _("The request is not valid."), details)


def _unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = error_response(
        401, "unauthorized", _("A valid API token or an agent session is required.")
    )
    response["WWW-Authenticate"] = 'Bearer realm="rapport"'
    return response


def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        return error_response(422, "invalid_payload", _("The request body is not valid JSON."),
                              {"payload": [_("not valid JSON")]})
    if exc.status_code == 403 and "csrf" in str(exc).lower():
        return error_response(403, "csrf_failed", _("The CSRF token is missing or wrong."))
    codes = {400: "bad_request", 403: "permission_denied", 404: "not_found", 429: "throttled"}
    return error_response(exc.status_code, codes.get(exc.status_code, "error"), str(exc))


def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(404, "not_found", _("Not found."))


def _forbidden(request: HttpRequest, exc: DjangoPermissionDenied) -> HttpResponse:
    return error_response(403, "permission_denied", _("You may not do this."))


def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return error_response(
        413, "payload_too_large", _("The request body is too large."),
        {"max_bytes": settings.DATA_UPLOAD_MAX_MEMORY_SIZE},
    )


def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    if settings.DEBUG:
        raise exc
    logger.exception("unhandled API error on %s %s", request.method, request.path)
    return error_response(500, "server_error", _("Something went wrong on our side."))


_HANDLERS: list[tuple[type[Exception], Callable[..., HttpResponse]]] = [
    (DomainError, _domain_error),
    (ValidationError, _validation_error),
    (AuthenticationError, _unauthorized),
    (HttpError, _http_error),
    (Http404, _not_found),
    (DjangoPermissionDenied, _forbidden),
    (RequestDataTooBig, _too_big),
    (Exception, _unexpected),
]


def install(api: NinjaAPI) -> None:
    """Register the handlers; ninja picks the most specific class along the MRO."""
    for exc_class, handler in _HANDLERS:
        api.add_exception_handler(exc_class, handler)
