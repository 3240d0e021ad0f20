"""The original of an inbound mail, one click from the timeline: full text with the
quoted history, the sanitised HTML, the headers, and the raw .eml for download.

Remote images load only when the agent asks: that one response renders them as
<img> (without a referrer) and widens img-src in its Content-Security-Policy.
"""

from __future__ import annotations

import re

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from rapport.accounts.decorators import AgentRequest, agent_required
from rapport.channels.email.models import InboundEmail
from rapport.channels.email.parsing import parse_message
from rapport.core.middleware import CONTENT_SECURITY_POLICY
from rapport.tickets.models import Message
from rapport.tickets.queries import visible_messages, visible_tickets

_REMOTE = re.compile(r'<span data-remote-src="([^"]*)" title="([^"]*)">.*?</span>', re.S)
REMOTE_IMAGES_CSP = CONTENT_SECURITY_POLICY.replace(
    "img-src 'self' data:", "img-src 'self' data: https: http:"
)


def _inbound_for(request: AgentRequest, message_pk: int) -> tuple[Message, InboundEmail]:
    message = get_object_or_404(Message, pk=message_pk)
    ticket = get_object_or_404(visible_tickets(request.user), pk=message.ticket_id)
    if not visible_messages(request.user, ticket).filter(pk=message.pk).exists():
        raise Http404
    inbound = InboundEmail.objects.filter(message=message).order_by("pk").first()
    if inbound is None:
        raise Http404
    return message, inbound


def _with_remote_images(safe_html: str) -> str:
    def image(found: re.Match[str]) -> str:
        return (f'<img src="{found[1]}" alt="{found[2]}" referrerpolicy="no-referrer" '
                'loading="lazy">')

    return _REMOTE.sub(image, safe_html)


@agent_required
@require_GET
def original(request: AgentRequest, message_pk: int) -> HttpResponse:
    message, inbound = _inbound_for(request, message_pk)
    parsed = parse_message(bytes(inbound.raw))
    load_images = request.GET.get("images") == "1"
    body_html = _with_remote_images(parsed.html) if load_images else parsed.html
    response = render(request, "email_channel/original.html", {
        "message": message, "ticket": message.ticket, "inbound": inbound, "parsed": parsed,
        "body_html": mark_safe(body_html),  # noqa: S308  (sanitised by the mail parser)
        "has_remote_images": "data-remote-src" in parsed.html, "images_loaded": load_images,
    })
    if load_images:
        response["Content-Security-Policy"] = REMOTE_IMAGES_CSP
    response["Referrer-Policy"] = "no-referrer"
    return response


@agent_required
@require_GET
def raw(request: AgentRequest, message_pk: int) -> HttpResponse:
    _, inbound = _inbound_for(request, message_pk)
    response = HttpResponse(bytes(inbound.raw), content_type="message/rfc822")
    response["Content-Disposition"] = f'attachment; filename="message-{message_pk}.eml"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


