"""Per-user interface language and strict security headers."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
_SUPPORTED = {code for code, _name in settings.LANGUAGES}


class UserLanguageMiddleware:
    """An agent's chosen interface language wins over the browser's; then the portal's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = self._chosen_language(request)
        if not language:
            return self.get_response(request)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        # For this request only: the thread goes back to what it had (tests, the
        # embedded server's threads), so one agent's language never leaks into other work.
        with translation.override(language):
            response = self.get_response(request)
            response.headers.setdefault("Content-Language", language)
        return response

    @staticmethod
    def _chosen_language(request: HttpRequest) -> str | None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.ui_language in _SUPPORTED:
            return user.ui_language
        language = request.session.get("portal_language") if hasattr(request, "session") else None
        return language if language in _SUPPORTED else None


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith("/api/docs"):
            # Swagger UI needs its bundled inline bootstrap script.
            return response
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response
