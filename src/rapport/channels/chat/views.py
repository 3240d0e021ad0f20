"""HTTP side of the widget: its configuration (CORS, per-site allow-list), the offline
message form, the visitor's file uploads and downloads, and the demo shop page. The chat
itself runs over the websocket."""

from __future__ import annotations

import html
import json
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseForbidden,
    HttpResponseRedirect,
    JsonResponse,
)
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from rapport.channels.chat import uploads
from rapport.channels.chat.hours import is_open, next_opening
from rapport.channels.chat.models import ChatSite
from rapport.channels.chat.queries import agents_available, expected_wait_seconds, invitations
from rapport.channels.chat.texts import wait_text, widget_texts
from rapport.channels.chat.visitors import visitor_from_token
from rapport.contacts.services import find_or_create_by_email
from rapport.core.errors import DomainError, InvalidInput, PermissionDenied
from rapport.portal.forms import AttachmentsField
from rapport.tickets import services as tickets
from rapport.tickets.attachments import SAFE_INLINE_TYPES
from rapport.tickets.models import Channel

LANGUAGES = {code for code, _name in settings.LANGUAGES}
MAX_OFFLINE_BODY = 16_384
TOKEN_HEADER = "X-Rapport-Chat-Token"
MULTIPART_SLACK_BYTES = 64 * 1024  # the caption, the client id and the multipart framing


def _site_or_404(key: str) -> ChatSite:
    return get_object_or_404(ChatSite.objects.select_related("team"), key=key, active=True)


def _origin_allowed(request: HttpRequest, site: ChatSite) -> bool:
    origin = request.headers.get("Origin", "").rstrip("/")
    return bool(origin) and origin in {o.rstrip("/") for o in site.allowed_origins}


def _with_cors(request: HttpRequest, site: ChatSite, response: HttpResponse) -> HttpResponse:
    if _origin_allowed(request, site):
        response["Access-Control-Allow-Origin"] = request.headers["Origin"].rstrip("/")
        response["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response["Access-Control-Allow-Headers"] = f"Content-Type, {TOKEN_HEADER}"
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
            "max_file_bytes": settings.RAPPORT_MAX_ATTACHMENT_BYTES,
            "websocket": f"/ws/chat/{site.key}/",
        }
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "no-store"
    return _with_cors(request, site, response)


@require_GET
def suggest(request: HttpRequest, site_key: str) -> HttpResponse:
    """Help-center articles for what the visitor types, linked through the deflection
    counter. A page of another origin than the site's gets none; a request without an
    Origin (the widget on Rapport's own pages: browsers send none for same-origin GETs)
    gets them, as the help center would show them anyway."""
    from rapport.search.article_views import public_hits
    from rapport.search.models import Deflection

    site = _site_or_404(site_key)
    if "Origin" in request.headers and not _origin_allowed(request, site):
        return _with_cors(request, site, JsonResponse({"articles": []}))
    text = request.GET.get("q", "")[:500]
    query = urlencode({"source": Deflection.Source.WIDGET, "q": " ".join(text.split())[:200]})
    articles = [
        {"title": html.unescape(strip_tags(hit.title)),
         "url": settings.SITE_URL + reverse("search:open_suggestion", args=[hit.object_id])
         + f"?{query}"}
        for hit in public_hits(text, _language(request, site))
    ]
    response = JsonResponse({"articles": articles}, json_dumps_params={"ensure_ascii": False})
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
        language=customer.language or site.language, source=f"chat_site:{site.pk}",
    )


@csrf_exempt  # cross-origin like offline; the visitor token in a header is the credential
@require_http_methods(["POST", "OPTIONS"])
def upload(request: HttpRequest, site_key: str) -> HttpResponse:
    """A visitor's file (and optional caption) as a message in its current chat."""
    site = _site_or_404(site_key)
    if request.method == "OPTIONS":
        return _with_cors(request, site, HttpResponse(status=204))
    with translation.override(_language(request, site)):
        try:
            response = _upload(request, site)
        except DomainError as exc:
            body = {"code": exc.code, "message": str(exc.message)}
            status = 413 if exc.code == "file_too_large" else exc.status
            response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    return _with_cors(request, site, response)


def _upload(request: HttpRequest, site: ChatSite) -> HttpResponse:
    # Like the websocket: only the site's own pages, and only with the visitor's token.
    if not _origin_allowed(request, site):
        raise PermissionDenied(_("The chat is not available right now."),
                               code="origin_not_allowed")
    visitor = visitor_from_token(site, request.headers.get(TOKEN_HEADER))
    if visitor is None:
        raise PermissionDenied(_("Something went wrong. Please try again."),
                               code="invalid_token")
    conversation = uploads.conversation_for_upload(visitor)
    wait = uploads.retry_after_upload(visitor)
    if wait:
        response = JsonResponse({
            "code": "rate_limited", "message": _("Please wait a moment before sending more."),
            "retry_after": wait,
        }, status=429, json_dumps_params={"ensure_ascii": False})
        response["Retry-After"] = str(wait)
        return response
    files = _uploaded_files(request)
    client_id = uploads.clean_client_id(request.POST.get("client_id"))
    message, created = uploads.post_visitor_files(
        conversation, site, client_id=client_id, files=files,
        text=uploads.clean_caption(request.POST.get("text")),
    )
    frame = uploads.upload_frame(message, client_id, site.key)
    return JsonResponse(frame, status=201 if created else 200,
                        json_dumps_params={"ensure_ascii": False})


def _uploaded_files(request: HttpRequest) -> list[Any]:
    """The `file` fields, read and checked exactly as the portal's contact form does."""
    limit = settings.RAPPORT_MAX_ATTACHMENT_BYTES
    most = settings.RAPPORT_MAX_ATTACHMENTS_PER_MESSAGE * limit + MULTIPART_SLACK_BYTES
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > most:  # refused before the body is parsed
        raise InvalidInput(_("The file is larger than %(mb)d MB.") % {"mb": limit // 2**20},
                           code="file_too_large")
    uploaded = request.FILES.getlist("file")
    if not uploaded:
        raise InvalidInput(_("No file was submitted."), code="no_file")
    try:
        return AttachmentsField().clean(uploaded)
    except ValidationError as exc:
        error = exc.error_list[0]
        raise InvalidInput(exc.messages[0], code=error.code or "invalid") from None


@require_GET
def file(request: HttpRequest, site_key: str, public_id: str) -> HttpResponseBase:
    """A file of the visitor's own chat, for the token in `?token=`; never rendered as a
    page (the same headers as the agents' attachment download)."""
    site = _site_or_404(site_key)
    visitor = visitor_from_token(site, request.GET.get("token"))
    if visitor is None:
        return HttpResponseForbidden()
    found = uploads.visitor_attachment(site, visitor, public_id)
    if found is None:
        raise Http404
    try:
        handle = found.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=found.content_type not in SAFE_INLINE_TYPES,
        filename=found.filename, content_type=found.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"  # the token is in the address
    return response


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
