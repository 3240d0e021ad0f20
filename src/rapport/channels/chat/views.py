"""HTTP side of the widget: its configuration (CORS, per-site allow-list), the offline
message form, and the demo shop page. The chat itself runs over the websocket."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from rapport.channels.chat.hours import is_open, next_opening
from rapport.channels.chat.models import ChatSite
from rapport.channels.chat.queries import agents_available, expected_wait_seconds, invitations
from rapport.channels.chat.texts import wait_text, widget_texts
from rapport.contacts.services import find_or_create_by_email
from rapport.core.errors import DomainError
from rapport.tickets import services as tickets
from rapport.tickets.models import Channel

LANGUAGES = {code for code, _name in settings.LANGUAGES}
MAX_OFFLINE_BODY = 16_384


def _site_or_404(key: str) -> ChatSite:
    return get_object_or_404(ChatSite.objects.select_related("team"), key=key, active=True)


def _with_cors(request: HttpRequest, site: ChatSite, response: HttpResponse) -> HttpResponse:
    origin = request.headers.get("Origin", "").rstrip("/")
    if origin and origin in {o.rstrip("/") for o in site.allowed_origins}:
        response["Access-Control-Allow-Origin"] = origin
        response["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response["Access-Control-Allow-Headers"] = "Content-Type"
        response["Access-Control-Max-Age"] = "600"
    response["Vary"] = "Origin"
    return response


def _language(request: HttpRequest, site: ChatSite) -> str:
    wanted = request.GET.get("lang", "").lower()
    if wanted.startswith("zh"):
        wanted = "zh-hans"
    wanted = wanted.split("-")[0] if wanted not in LANGUAGES else wanted
    return wanted if wanted in LANGUAGES else site.language


@require_GET
def config(request: HttpRequest, site_key: str) -> HttpResponse:
    site = _site_or_404(site_key)
    language = _language(request, site)
    now = timezone.now()
    open_now = is_open(site, now)
    online = agents_available(site) if open_now else []
    wait = expected_wait_seconds(site, len(online)) if online else None
    next_open = None if open_now else next_opening(site, now)
    with translation.override(language):
        body: dict[str, Any] = {
            "site": site.key, "name": site.name, "color": site.color,
            "position": site.position, "greeting": site.greeting or _("Hi! How can we help?"),
            "language": language, "online": bool(online),
            "expected_wait_seconds": wait, "expected_wait_text": wait_text(wait),
            "next_open_at": next_open.isoformat() if next_open else None,
            "prechat": {f: site.prechat.get(f, "optional") for f in ("name", "email", "question")},
            "texts": widget_texts(),
            "invitations": invitations(site),
            "websocket": f"/ws/chat/{site.key}/",
        }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    return _with_cors(request, site, response)


@csrf_exempt  # a cross-origin form on the customer's site; it changes nothing of an agent's
@require_http_methods(["POST", "OPTIONS"])
def offline(request: HttpRequest, site_key: str) -> HttpResponse:
    site = _site_or_404(site_key)
    if request.method == "OPTIONS":
        return _with_cors(request, site, HttpResponse(status=204))
    try:
        data = _offline_payload(request)
        ticket = _open_offline_ticket(site, data)
    except DomainError as exc:
        response = JsonResponse({"code": exc.code, "message": str(exc.message)}, status=400)
        return _with_cors(request, site, response)
    with translation.override(_language(request, site)):
        body = {"ticket": ticket.pk, "expected_reply": _("by email, as soon as we can")}
    return _with_cors(request, site, JsonResponse(body, json_dumps_params={"ensure_ascii": False}))


def _offline_payload(request: HttpRequest) -> dict[str, str]:
    from rapport.core.errors import InvalidInput

    if len(request.body) > MAX_OFFLINE_BODY:
        raise InvalidInput(_("The message is too long."), code="too_long")
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        raise InvalidInput(_("The request is not valid JSON."), code="invalid") from None
    if not isinstance(data, dict):
        raise InvalidInput(_("The request is not valid JSON."), code="invalid")
    return {k: str(data.get(k) or "")[:4_000] for k in ("name", "email", "message")}


@transaction.atomic
def _open_offline_ticket(site: ChatSite, data: dict[str, str]) -> Any:
    customer = find_or_create_by_email(data["email"], name=data["name"])
    text = data["message"].strip()
    return tickets.create_ticket(
        actor=customer, requester=customer, subject=text.splitlines()[0][:80] if text else "",
        body=tickets.Body(text=text), channel=Channel.EMAIL, team=site.team,
        language=customer.language or site.language,
    )


@require_GET
def demo_shop(request: HttpRequest) -> HttpResponse:
    site = ChatSite.objects.filter(active=True).order_by("pk").first()
    if site is None:
        return HttpResponse(_("No chat site is configured."), status=404)
    context = {
        "site_key": site.key,
        "widget_url": request.build_absolute_uri(static("chat/widget.js")),
    }
    return render(request, "chat/demo_shop.html", context)


@require_GET
def widget_script(request: HttpRequest) -> HttpResponse:
    return HttpResponseRedirect(static("chat/widget.js"))
