"""A test receiver built into Rapport: point an endpoint at it to see what would arrive.

POST /webhooks/test-receiver/ accepts a delivery only when it carries a valid, fresh
signature of an endpoint whose URL is this receiver (the same check as the recipe in
docs/webhooks.md); it keeps the latest deliveries in the shared cache. Admins read them
at /webhooks/test-receiver/events/. The demo's endpoint points here.
"""

from __future__ import annotations

import hmac
import json
import time
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from rapport.accounts.decorators import AgentRequest, agent_required
from rapport.webhooks.models import WebhookEndpoint
from rapport.webhooks.signing import signature

CACHE_KEY = "rapport:webhooks:test-receiver"
KEEP = 50
TOLERANCE_SECONDS = 300
MAX_BODY = 256 * 1024


def _endpoints(request: HttpRequest) -> list[WebhookEndpoint]:
    path = reverse("webhooks:test_receiver")
    return [e for e in WebhookEndpoint.objects.filter(url__endswith=path)
            if e.url.split("?")[0].endswith(path)]


def _verified(request: HttpRequest, endpoint: WebhookEndpoint) -> bool:
    try:
        timestamp = int(request.headers.get("Rapport-Webhook-Timestamp", ""))
    except ValueError:
        return False
    if abs(time.time() - timestamp) > TOLERANCE_SECONDS:
        return False
    event_id = request.headers.get("Rapport-Webhook-Id", "")
    sent = request.headers.get("Rapport-Webhook-Signature", "").split()
    secrets = [s for s in (endpoint.secret, endpoint.previous_secret) if s]
    expected = [signature(s, timestamp, event_id, request.body) for s in secrets]
    return any(hmac.compare_digest(a, b) for a in sent for b in expected)


@csrf_exempt  # a server-to-server POST; the signature is the credential
@require_POST
def receive(request: HttpRequest) -> HttpResponse:
    if len(request.body) > MAX_BODY:
        return HttpResponse(status=413)
    endpoint = next((e for e in _endpoints(request) if _verified(request, e)), None)
    if endpoint is None:
        return HttpResponse("invalid or missing signature", status=401,
                            content_type="text/plain")
    try:
        payload = json.loads(request.body)
    except ValueError:
        return HttpResponse("not JSON", status=400, content_type="text/plain")
    received: list[dict[str, Any]] = cache.get(CACHE_KEY) or []
    received.insert(0, {
        "received_at": timezone.now().isoformat(), "endpoint": endpoint.pk,
        "id": request.headers.get("Rapport-Webhook-Id", ""),
        "event": request.headers.get("Rapport-Webhook-Event", ""),
        "payload": json.dumps(payload, ensure_ascii=False, indent=1)[:4_000],
    })
    cache.set(CACHE_KEY, received[:KEEP], 24 * 3600)
    return HttpResponse(status=204)


@require_GET
@agent_required
def events(request: AgentRequest) -> HttpResponse:
    if not request.user.is_rapport_admin:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    return render(request, "webhooks/test_receiver.html",
                  {"received": cache.get(CACHE_KEY) or []})
