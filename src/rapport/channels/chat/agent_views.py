"""The agent's side of the chat: the console, the panel on a chat ticket, and the verbs
take, transfer and end. Thin: permission-scoped reads, then one verb from handling."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from rapport.accounts.decorators import AgentRequest, agent_required, is_agent
from rapport.accounts.models import Team, User
from rapport.accounts.queries import all_teams
from rapport.channels.chat import console, handling
from rapport.channels.chat.delivery import follow_up_address
from rapport.channels.chat.forms import TransferForm
from rapport.channels.chat.models import ChatConversation, ConversationStatus
from rapport.core.feedback import attempt, report_form_errors
from rapport.tickets.models import Channel, Ticket


def _console_context(user: User) -> dict[str, Any]:
    mine = list(console.my_chats(user))
    return {
        "waiting": console.waiting_chats(user)[:50],
        "mine": mine,
        "board": console.team_board(user),
        "open_count": len(mine),
    }


@require_GET
@agent_required
def console_page(request: AgentRequest) -> HttpResponse:
    context = {**_console_context(request.user), "section": "chats"}
    return render(request, "chat/console.html", context)


@require_GET
@agent_required
def console_lists(request: AgentRequest) -> HttpResponse:
    """The console's lists again, for the live refresh."""
    return render(request, "chat/_partials/console_lists.html",
                  _console_context(request.user))


def _conversation_or_404(user: User, ticket_id: int) -> ChatConversation:
    return get_object_or_404(
        console.visible_conversations(user).select_related("ticket", "visitor", "site"),
        ticket_id=ticket_id,
    )


def panel_context(request: Any, conversation: ChatConversation) -> dict[str, Any]:
    user = request.user
    ticket = conversation.ticket
    return {
        "conversation": conversation,
        "ticket": ticket,
        "live": conversation.status != ConversationStatus.ENDED,
        "visitor_here": console.visitor_is_here(conversation),
        "follow_up_address": follow_up_address(ticket),
        "transfer_form": TransferForm(),
        "agents": [row for row in console.team_board_for_transfer(user)
                   if row["agent"].pk != ticket.assignee_id],
        "teams": all_teams(),
        "other_chats": [c for c in console.my_chats(user) if c.ticket_id != ticket.pk],
        "last_agent_seq": console.last_agent_seq(ticket),
    }


def ticket_panel(request: Any, ticket: Ticket) -> SafeString | None:
    """The chat panel on a chat ticket's page (registered with tickets.panels)."""
    if ticket.channel != Channel.CHAT or not is_agent(request.user):
        return None
    conversation = (
        ChatConversation.objects.filter(ticket=ticket).select_related("visitor", "site").first()
    )
    if conversation is None:
        return None
    conversation.ticket = ticket
    html = render_to_string("chat/_partials/ticket_panel.html",
                            panel_context(request, conversation), request=request)
    return mark_safe(html)  # noqa: S308 (rendered by our own autoescaping template)


@require_GET
@agent_required
def panel(request: AgentRequest, ticket_id: int) -> HttpResponse:
    """The panel again, for the live refresh of a chat ticket's page."""
    conversation = _conversation_or_404(request.user, ticket_id)
    return render(request, "chat/_partials/ticket_panel.html",
                  panel_context(request, conversation))


def _back(ticket_id: int) -> HttpResponse:
    return redirect("tickets:detail", pk=ticket_id)


@require_POST
@agent_required
def take(request: AgentRequest, ticket_id: int) -> HttpResponse:
    conversation = _conversation_or_404(request.user, ticket_id)
    taken = attempt(request, lambda: handling.take_chat(conversation, agent=request.user))
    if not taken and request.POST.get("from") == "console":
        return redirect("chat_console:console")
    return _back(ticket_id)


@require_POST
@agent_required
def transfer(request: AgentRequest, ticket_id: int) -> HttpResponse:
    conversation = _conversation_or_404(request.user, ticket_id)
    form = TransferForm(request.POST)
    if not form.is_valid():
        report_form_errors(request, form)
        return _back(ticket_id)
    target = form.cleaned_data["target"]
    if not attempt(request, lambda: handling.transfer_chat(
        conversation, actor=request.user, note=form.cleaned_data["note"],
        to_agent=target if isinstance(target, User) else None,
        to_team=target if isinstance(target, Team) else None,
    )):
        return _back(ticket_id)
    messages.success(request, _("The chat was transferred to %(target)s.") % {"target": target})
    return redirect("chat_console:console")


@require_POST
@agent_required
def end(request: AgentRequest, ticket_id: int) -> HttpResponse:
    conversation = _conversation_or_404(request.user, ticket_id)
    attempt(request, lambda: handling.end_chat(conversation, agent=request.user))
    return _back(ticket_id)

