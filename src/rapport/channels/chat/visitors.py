"""Who is chatting: the anonymous visitor's signed token, and a site's signed user ids.

The token only names a ChatVisitor row of one site; it is signed with the secret key
and salted with the site key, so it cannot be forged or carried to another site.
A site that knows its user signs the user id with its identity secret (HMAC-SHA256);
identity claims without a valid signature are ignored, never trusted.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from django.core import signing
from django.utils import timezone

from rapport.channels.chat.models import ChatSite, ChatVisitor
from rapport.contacts.services import find_or_create_by_email

TOKEN_MAX_AGE = 365 * 24 * 3600


def _salt(site: ChatSite) -> str:
    return f"rapport.chat.visitor:{site.key}"


def visitor_token(visitor: ChatVisitor) -> str:
    return signing.dumps({"v": visitor.pk}, salt=_salt(visitor.site), compress=True)


def visitor_from_token(site: ChatSite, token: str | None) -> ChatVisitor | None:
    if not token or len(token) > 500:
        return None
    try:
        data = signing.loads(token, salt=_salt(site), max_age=TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    visitor_id = data.get("v") if isinstance(data, dict) else None
    if not isinstance(visitor_id, int):
        return None
    return ChatVisitor.objects.filter(pk=visitor_id, site=site).first()


def visitor_for(site: ChatSite, token: str | None) -> ChatVisitor:
    """The token's visitor, or a new one (a missing, forged or foreign token)."""
    visitor = visitor_from_token(site, token) or ChatVisitor.objects.create(site=site)
    ChatVisitor.objects.filter(pk=visitor.pk).update(last_seen_at=timezone.now())
    return visitor


def identity_signature(site: ChatSite, user_id: str) -> str:
    return hmac.new(site.identity_secret.encode(), user_id.encode(), hashlib.sha256).hexdigest()


def verified_identity(site: ChatSite, identity: Any) -> dict[str, str] | None:
    """The site's claims about its user, only when their signature is valid."""
    if not isinstance(identity, dict):
        return None
    user_id, signature = identity.get("user_id"), identity.get("signature")
    if not isinstance(user_id, str) or not isinstance(signature, str) or not user_id:
        return None
    if not hmac.compare_digest(identity_signature(site, user_id[:200]), signature):
        return None
    return {k: str(identity.get(k) or "")[:200] for k in ("user_id", "email", "name")}


def attach_identity(visitor: ChatVisitor, identity: dict[str, str]) -> None:
    """A signed identity with an email joins that customer's record."""
    if identity.get("email") and "@" in identity["email"]:
        customer = find_or_create_by_email(identity["email"], name=identity.get("name", ""))
        if visitor.customer_id != customer.pk:
            visitor.customer = customer
            visitor.save(update_fields=["customer"])
