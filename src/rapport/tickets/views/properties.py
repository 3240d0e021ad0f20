"""Small HTMX endpoints: change one property of a ticket, get the panel back."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rapport.accounts.decorators import AgentRequest, agent_required
from rapport.accounts.queries import active_agents, all_teams
from rapport.core.errors import DomainError, InvalidInput
from rapport.tickets import services
from rapport.tickets.display import timeline_entries
from rapport.tickets.models import CustomField, Ticket
from rapport.tickets.queries import visible_tickets
from rapport.tickets.views.common import htmx_redirect, is_htmx
from rapport.tickets.views.detail import properties_context, visible_ticket_or_404


def _status(ticket: Ticket, user: Any, data: QueryDict) -> None:
    services.set_status(ticket, actor=user, status=data.get("status", ""))


def _priority(ticket: Ticket, user: Any, data: QueryDict) -> None:
    value = data.get("priority", "")
    if not value.isdigit():
        raise InvalidInput(_("Unknown priority."), code="invalid_priority")
    services.set_priority(ticket, actor=user, priority=int(value))


def _pick(queryset: Any, value: str, message: str) -> Any:
    if not value:
        return None
    found = queryset.filter(pk=int(value)).first() if value.isdigit() else None
    if found is None:
        raise InvalidInput(message, code="invalid_choice")
    return found


def _assignment(ticket: Ticket, user: Any, data: QueryDict) -> None:
    team = _pick(all_teams(), data.get("team", ""), _("Choose an existing team."))
    assignee_value = data.get("assignee", "")
    assignee = user if assignee_value == "me" else _pick(
        active_agents(), assignee_value, _("Choose an active agent.")
    )
    services.assign(ticket, actor=user, assignee=assignee, team=team, change_team=True)


def _tags(ticket: Ticket, user: Any, data: QueryDict) -> None:
    add = [name for name in data.get("add", "").split(",") if name.strip()]
    remove = data.getlist("remove")
    services.change_tags(ticket, actor=user, add=add, remove=remove)


def _fields(ticket: Ticket, user: Any, data: QueryDict) -> None:
    values = {
        f.key: data.get(f"cf_{f.key}", "")
        for f in CustomField.objects.filter(active=True)
        if f"cf_{f.key}" in data
    }
    services.update_fields(ticket, actor=user, values=values)


def _subject(ticket: Ticket, user: Any, data: QueryDict) -> None:
    services.update_subject(ticket, actor=user, subject=data.get("subject", ""))


HANDLERS: dict[str, Callable[[Ticket, Any, QueryDict], None]] = {
    "status": _status,
    "priority": _priority,
    "assignment": _assignment,
    "tags": _tags,
    "fields": _fields,
    "subject": _subject,
}


@require_POST
@agent_required
def update_property(request: AgentRequest, pk: int, prop: str) -> HttpResponse:
    handler = HANDLERS.get(prop)
    if handler is None:
        raise Http404
    ticket = visible_ticket_or_404(request.user, pk)
    error = ""
    try:
        handler(ticket, request.user, request.POST)
    except DomainError as exc:
        error = exc.message
    fresh = visible_tickets(request.user).select_related(
        "requester__company", "assignee", "team", "merged_into"
    ).filter(pk=pk).first()
    if fresh is None:  # e.g. moved to a team the agent is not in
        messages.info(request, _("The ticket was moved out of your view."))
        return htmx_redirect(request, reverse("tickets:inbox"))
    ticket = fresh
    if not is_htmx(request):
        if error:
            messages.error(request, error)
        return redirect("tickets:detail", pk=ticket.pk)
    context = {
        **properties_context(ticket),
        "entries": timeline_entries(request.user, ticket),
        "property_error": error,
        "oob": True,
    }
    return render(request, "tickets/_partials/property_update.html", context,
                  status=400 if error else 200)
