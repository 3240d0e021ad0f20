"""Sign-in, sign-out and failed sign-in attempts go to the audit log.

Connected explicitly from AccountsConfig.ready(), so every handler is listed in one place.
"""

from typing import Any

from axes.helpers import get_client_ip_address
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.http import HttpRequest

from rapport.audit.services import record_audit


def _ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return get_client_ip_address(request) or None


def on_logged_in(sender: Any, request: HttpRequest | None = None, user: Any = None,
                 **kwargs: Any) -> None:
    record_audit("auth.login", actor=user, target=user, ip_address=_ip(request))


def on_logged_out(sender: Any, request: HttpRequest | None = None, user: Any = None,
                  **kwargs: Any) -> None:
    if user is None:  # signing out an already anonymous session
        return
    record_audit("auth.logout", actor=user, target=user, ip_address=_ip(request))


def on_login_failed(sender: Any, credentials: dict[str, Any] | None = None,
                    request: HttpRequest | None = None, **kwargs: Any) -> None:
    # Django already masks secrets in credentials; keep only the name that was tried.
    username = str((credentials or {}).get("username", ""))[:150]
    record_audit(
        "auth.login_failed", actor=username or None, data={"username": username},
        ip_address=_ip(request),
    )


def connect() -> None:
    user_logged_in.connect(on_logged_in, dispatch_uid="rapport.accounts.audit_login")
    user_logged_out.connect(on_logged_out, dispatch_uid="rapport.accounts.audit_logout")
    user_login_failed.connect(on_login_failed, dispatch_uid="rapport.accounts.audit_failed")
