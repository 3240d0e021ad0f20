"""``Idempotency-Key`` on POST: the first response is stored and replayed for 24 hours.

Insert first, decide later: the claim row is inserted in its own short transaction, and
the unique (user, key) constraint picks the one request that runs — on SQLite and on
PostgreSQL alike, with no read-then-write race. The handler then runs in one
transaction together with storing its response, so a stored response always matches
committed work. When the handler fails, nothing was committed and the claim is
released: the client may retry with the same key (and a corrected body).

A claim whose process died between the two transactions would block its key; after
``STALE_CLAIM`` the same request may take it over.
"""

import functools
import hashlib
import hmac
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Status
from ninja.responses import NinjaJSONEncoder
from pydantic import BaseModel

from rapport.accounts.models import User
from rapport.api.errors import IdempotencyInProgress, IdempotencyKeyReused
from rapport.api.models import IdempotencyRecord
from rapport.core.errors import InvalidInput

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 200
STALE_CLAIM = timedelta(minutes=10)


def render(result: Any) -> HttpResponseBase:
    """A handler's result as the JSON response ninja would send for it."""
    if isinstance(result, HttpResponseBase):
        return result
    status = 200
    if isinstance(result, Status):
        status, result = result.status_code, result.value
    data = result.model_dump() if isinstance(result, BaseModel) else result
    return HttpResponse(
        json.dumps(data, cls=NinjaJSONEncoder), status=status, content_type="application/json"
    )


def fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    for part in (request.method or "", request.get_full_path()):
        digest.update(part.encode() + b"\n")
    digest.update(request.body)
    return digest.hexdigest()


def _clean_key(raw: str) -> str:
    key = raw.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise InvalidInput(
            _("The Idempotency-Key must be 1 to %(n)d printable characters.")
            % {"n": MAX_KEY_LENGTH},
            code="invalid_idempotency_key",
        )
    return key


def _insert(user: User, key: str, digest: str) -> IdempotencyRecord | None:
    try:
        with transaction.atomic():
            return IdempotencyRecord.objects.create(user=user, key=key, request_hash=digest)
    except IntegrityError:
        return None


def claim(user: User, key: str, digest: str) -> tuple[IdempotencyRecord, bool]:
    """(record, replay): run the handler when replay is False, else send the record back."""
    now = timezone.now()
    expired_before = now - timedelta(seconds=settings.RAPPORT_IDEMPOTENCY_TTL)
    for _attempt in range(3):
        created = _insert(user, key, digest)
        if created is not None:
            return created, False
        record = IdempotencyRecord.objects.filter(user=user, key=key).first()
        if record is None:  # released between our insert and our read
            continue
        if record.created_at <= expired_before:
            IdempotencyRecord.objects.filter(pk=record.pk, created_at=record.created_at).delete()
            continue
        if not hmac.compare_digest(record.request_hash, digest):
            raise IdempotencyKeyReused(
                _("This Idempotency-Key was already used for a different request.")
            )
        if record.status_code is not None:
            return record, True
        if record.created_at <= now - STALE_CLAIM and _take_over(record, now):
            return record, False
        break
    raise IdempotencyInProgress(
        _("A request with this Idempotency-Key is still being processed; retry shortly.")
    )


def _take_over(record: IdempotencyRecord, now: Any) -> bool:
    return bool(
        IdempotencyRecord.objects.filter(
            pk=record.pk, status_code__isnull=True, created_at=record.created_at
        ).update(created_at=now)
    )


def _replay(record: IdempotencyRecord) -> HttpResponse:
    response = HttpResponse(
        record.response_body, status=record.status_code, content_type="application/json"
    )
    response["Idempotent-Replayed"] = "true"
    return response


def idempotent(view: Callable[..., Any]) -> Callable[..., HttpResponseBase]:
    """Honour ``Idempotency-Key`` on a POST handler (runs after authentication)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        raw_key = request.headers.get(HEADER)
        if raw_key is None:
            return render(view(request, *args, **kwargs))
        record, replay = claim(request.auth, _clean_key(raw_key), fingerprint(request))  # type: ignore[attr-defined]
        if replay:
            return _replay(record)
        try:
            with transaction.atomic():
                response = render(view(request, *args, **kwargs))
                IdempotencyRecord.objects.filter(pk=record.pk).update(
                    status_code=response.status_code,
                    response_body=response.content.decode(),  # type: ignore[attr-defined]
                )
        except BaseException:
            IdempotencyRecord.objects.filter(pk=record.pk, status_code__isnull=True).delete()
            raise
        return response

    return wrapper


def prune(*, now: Any = None) -> int:
    """Delete records older than the replay window; returns how many went."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.RAPPORT_IDEMPOTENCY_TTL)
    deleted, _by_model = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
