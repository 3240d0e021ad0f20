"""Routing pages: next ticket, chat offers, escalation, and the supervisors' attention page.
Thin: a permission-scoped read, one verb, a redirect."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from rapport.accounts.decorators import (
    AgentRequest,
    agent_required,
    is_agent,
    supervisor_required,
)
from rapport.core.feedback import attempt, report_form_errors
from rapport.routing import escalation, queries, services
from rapport.routing.forms import EscalationForm
from rapport.routing.models import Escalation
from rapport.tickets.models import Ticket
from rapport.tickets.views.detail import visible_ticket_or_404


@require_POST
@agent_required
def next_ticket(request: AgentRequest) -> HttpResponse:
    ticket = services.take_next_ticket(request.user)
    if ticket is None:
        messages.info(request, _("Nothing is waiting for you right now."))
        return redirect("tickets:inbox")
    return redirect("tickets:detail", pk=ticket.pk)


@require_POST
@agent_required
def accept_offer(request: AgentRequest, pk: int, offer_id: int) -> HttpResponse:
    ticket = visible_ticket_or_404(request.user, pk)
    attempt(request, lambda: services.accept_offer(offer_id, agent=request.user))
    return redirect("tickets:detail", pk=ticket.pk)


@require_POST
@agent_required
def decline_offer(request: AgentRequest, pk: int, offer_id: int) -> HttpResponse:
    visible_ticket_or_404(request.user, pk)
    attempt(request, lambda: services.decline_offer(offer_id, agent=request.user))
    return redirect("chat_console:console")


@require_POST
@agent_required
def escalate(request: AgentRequest, pk: int) -> HttpResponse:
    ticket = visible_ticket_or_404(request.user, pk)
    form = EscalationForm(request.POST)
    if not form.is_valid():
        report_form_errors(request, form)
        return redirect("tickets:detail", pk=ticket.pk)
    done = attempt(request, lambda: escalation.escalate(
        ticket, actor=request.user, reason=form.cleaned_data["reason"],
        note=form.cleaned_data["note"], to_supervisor=form.to_supervisor(),
        to_team=form.target_team(),
    ))
    if done:
        messages.success(request, _("Ticket #%(number)s was escalated.") % {"number": ticket.pk})
    return redirect("tickets:detail", pk=ticket.pk)


@require_GET
@supervisor_required
def attention(request: AgentRequest) -> HttpResponse:
    return render(request, "routing/attention.html", {
        "alarms": queries.open_alarms(request.user),
        "escalations": queries.escalation_summary(request.user),
        "section": "attention",
    })


def routing_panel(request: Any, ticket: Ticket) -> SafeString | None:
    """The ticket page's routing panel: a chat offered to this agent, and escalation."""
    if not is_agent(request.user) or ticket.is_done:
        return None
    context = {
        "ticket": ticket,
        "offer": services.pending_offer(ticket, request.user),
        "form": EscalationForm(),
        "escalations": Escalation.objects.filter(ticket=ticket).select_related(
            "by", "to_user", "to_team")[:3],
    }
    html = render_to_string("routing/_partials/panel.html", context, request=request)
    return mark_safe(html)  # noqa: S308 (rendered by our own autoescaping template)
