"""Personal API token verbs: create (plaintext shown once), revoke, look up, mark as used.

A token reads ``rpt_<prefix>_<secret>``. The prefix (12 hex characters) is stored in
clear to find the row; only the SHA-256 of the whole token is stored, and it is
compared in constant time.
"""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.accounts.models import User
from rapport.api.models import ApiToken, Scope
from rapport.audit.services import record_audit
from rapport.core.errors import InvalidInput, PermissionDenied

TOKEN_MARK = "rpt"
PREFIX_BYTES = 6  # 12 hex characters
SECRET_BYTES = 32  # 256 bits of entropy
# last_used_at is informational: one write per token per minute is plenty.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_token(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode()).hexdigest()


def _clean_scopes(scopes: list[str]) -> list[str]:
    cleaned = sorted({s.strip() for s in scopes if s and s.strip()})
    unknown = [s for s in cleaned if s not in Scope.values]
    if unknown:
        raise InvalidInput(
            _("Unknown scopes: %(scopes)s") % {"scopes": ", ".join(unknown)},
            code="invalid_scope", details={"unknown": unknown, "known": list(Scope.values)},
        )
    if not cleaned:
        raise InvalidInput(_("A token needs at least one scope."), code="invalid_scope")
    return cleaned


@transaction.atomic
def create_token(
    user: User, name: str, scopes: list[str], expires_at: datetime | None = None,
    *, actor: User | None = None,
) -> tuple[ApiToken, str]:
    """A new token for an active agent; the plaintext is returned once and never stored."""
    name = name.strip()[:100]
    if not name:
        raise InvalidInput(_("A token needs a name."), code="name_required")
    if not user.is_active:
        raise InvalidInput(_("This agent is deactivated."), code="inactive_agent")
    if expires_at is not None and expires_at <= timezone.now():
        raise InvalidInput(_("The expiry date is in the past."), code="invalid_expiry")
    prefix = secrets.token_hex(PREFIX_BYTES)
    plaintext = f"{TOKEN_MARK}_{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}"
    token = ApiToken.objects.create(
        user=user, name=name, prefix=prefix, token_hash=hash_token(plaintext),
        scopes=_clean_scopes(scopes), expires_at=expires_at,
    )
    record_audit(
        "api_token.created", actor=actor or user, target=token,
        data={"user": user.pk, "name": name, "scopes": token.scopes,
              "expires_at": expires_at.isoformat() if expires_at else None},
    )
    return token, plaintext


@transaction.atomic
def revoke_token(token: ApiToken, actor: User | None) -> ApiToken:
    """Revoke now. The owner or an administrator may; ``None`` is the command line."""
    if actor is not None and actor.pk != token.user_id and not actor.is_rapport_admin:
        raise PermissionDenied(_("Only the owner or an administrator can revoke this token."))
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_audit("api_token.revoked", actor=actor, target=token,
                     data={"user": token.user_id, "name": token.name})
    return token


def _prefix_of(plaintext: str) -> str | None:
    mark, sep, rest = plaintext.partition("_")
    prefix, sep2, secret = rest.partition("_")
    if mark != TOKEN_MARK or not sep or not sep2 or not secret or len(prefix) != 2 * PREFIX_BYTES:
        return None
    return prefix


def usable_token(plaintext: str, *, now: datetime | None = None) -> ApiToken | None:
    """The token (with its user) if it matches, is live and belongs to an active agent."""
    prefix = _prefix_of(plaintext.strip())
    if prefix is None:
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.token_hash, hash_token(plaintext.strip())):
        return None
    now = now or timezone.now()
    if token.revoked_at is not None or (token.expires_at is not None and token.expires_at <= now):
        return None
    if not token.user.is_active:
        return None
    return token


def mark_used(token: ApiToken, now: datetime) -> None:
    """Record use at most once per minute so a busy client does not write per request."""
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now
