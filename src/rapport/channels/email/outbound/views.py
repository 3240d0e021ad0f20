"""The agent's one action on outbound mail: send a failed mail again (HTMX or plain form)."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from rapport.accounts.decorators import AgentRequest, agent_required
from rapport.channels.email.outbound.queries import visible_outbound
from rapport.channels.email.outbound.services import retry_outbound
from rapport.core.errors import DomainError
from rapport.tickets.views.common import is_htmx


@require_POST
@agent_required
def retry(request: AgentRequest, pk: int) -> HttpResponse:
    outbound = visible_outbound(request.user, pk)
    if outbound is None:
        raise Http404
    error = ""
    try:
        outbound = retry_outbound(outbound, request.user)
    except DomainError as exc:
        error = exc.message
        outbound.refresh_from_db()
    if not is_htmx(request):
        if error:
            messages.error(request, error)
        return redirect("tickets:detail", pk=outbound.ticket_id)
    context = {"outbound": outbound, "outbound_error": error}
    return render(request, "email_channel/_outbound_status.html", context,
                  status=400 if error else 200)
