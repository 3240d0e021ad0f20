"""Hourly submission limits per client address and per email, kept in Django's cache."""

import hashlib

from django.conf import settings
from django.core.cache import cache

WINDOW_SECONDS = 3600


def _key(scope: str, identifier: str) -> str:
    # Hashed so addresses never sit in the cache in clear text.
    digest = hashlib.sha256(identifier.strip().lower().encode()).hexdigest()[:32]
    return f"rapport:portal:rate:{scope}:{digest}"


def _count(key: str) -> int:
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS)
        return 1


def allow(scope: str, *identifiers: str) -> bool:
    """Count one attempt against each identifier; False when any is over the limit."""
    limit = settings.RAPPORT_PORTAL_SUBMISSIONS_PER_HOUR
    counts = [_count(_key(scope, ident)) for ident in identifiers if ident]
    return all(count <= limit for count in counts)
