"""The macro panel on the ticket page and the one-click apply. Thin: scoped reads, a verb."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.accounts.decorators import AgentRequest, agent_required, is_agent
from rapport.automation.queries import macros_for
from rapport.automation.services import apply_macro
from rapport.core.errors import DomainError
from rapport.tickets.models import Ticket
from rapport.tickets.queries import visible_tickets
from rapport.tickets.views.common import htmx_redirect


def macro_panel(request: Any, ticket: Ticket) -> SafeString | None:
    """The macros this agent may apply, on the ticket's page (registered with panels)."""
    if not is_agent(request.user) or ticket.merged_into_id is not None:
        return None
    macros = list(macros_for(request.user).only("pk", "name"))
    if not macros:
        return None
    html = render_to_string("automation/_partials/macro_panel.html",
                            {"ticket": ticket, "macros": macros}, request=request)
    return mark_safe(html)  # noqa: S308 (rendered by our own autoescaping template)


@require_POST
@agent_required
def apply(request: AgentRequest, ticket_id: int) -> HttpResponse:
    ticket = get_object_or_404(visible_tickets(request.user), pk=ticket_id)
    try:
        macro_id = int(request.POST.get("macro", ""))
    except ValueError:
        raise Http404 from None
    macro = get_object_or_404(macros_for(request.user), pk=macro_id)
    try:
        apply_macro(ticket, macro, agent=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Macro “%(name)s” applied.") % {"name": macro.name})
    if not visible_tickets(request.user).filter(pk=ticket.pk).exists():
        messages.info(request, _("The ticket was moved out of your view."))
        return htmx_redirect(request, reverse("tickets:inbox"))
    return htmx_redirect(request, reverse("tickets:detail", args=[ticket.pk]))
