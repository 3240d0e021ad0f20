"""The ticket page: timeline, composer, merge, side panel, attachment downloads."""

from typing import Any

from django.contrib import messages
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from rapport.accounts.decorators import AgentRequest, agent_required
from rapport.accounts.queries import active_agents, all_teams
from rapport.core.errors import DomainError
from rapport.tickets import services
from rapport.tickets.attachments import SAFE_INLINE_TYPES
from rapport.tickets.display import timeline_entries
from rapport.tickets.forms import ComposerForm, MergeForm
from rapport.tickets.merging import merge_tickets
from rapport.tickets.models import CustomField, Priority, Status, Ticket
from rapport.tickets.panels import render_composer_tools, render_panels
from rapport.tickets.queries import visible_attachment, visible_tickets
from rapport.tickets.services import Body


def visible_ticket_or_404(user: Any, pk: int) -> Ticket:
    """A ticket the agent cannot see does not exist for them: 404, never 403."""
    return get_object_or_404(
        visible_tickets(user).select_related(
            "requester__company", "assignee", "team", "merged_into"
        ),
        pk=pk,
    )


def properties_context(ticket: Ticket) -> dict[str, Any]:
    fields = [
        {"field": f, "value": ticket.custom_fields.get(f.key)}
        for f in CustomField.objects.filter(active=True)
    ]
    return {
        "ticket": ticket,
        "statuses": Status.choices,
        "priorities": Priority.choices,
        "teams": all_teams(),
        "agents": active_agents(),
        "custom_fields": fields,
        "ticket_tags": ticket.tags.all(),
    }


def detail_context(request: AgentRequest, ticket: Ticket, **forms: Any) -> dict[str, Any]:
    requester = ticket.requester
    others = (
        visible_tickets(request.user).filter(requester=requester).exclude(pk=ticket.pk)
        .order_by("-updated_at", "-id")
    )
    return {
        **properties_context(ticket),
        "entries": timeline_entries(request.user, ticket),
        "requester": requester,
        "identities": requester.identities.order_by("kind", "value"),
        "other_tickets": others[:20],
        "other_count": others.count(),
        "side_panels": render_panels(request, ticket),
        "composer_tools": render_composer_tools(request, ticket),
        "transfer": services.latest_transfer(ticket),
        "composer": forms.get("composer") or ComposerForm(),
        "merge_form": forms.get("merge_form") or MergeForm(),
    }


@require_GET
@agent_required
def detail(request: AgentRequest, pk: int) -> HttpResponse:
    ticket = visible_ticket_or_404(request.user, pk)
    return render(request, "tickets/detail.html", detail_context(request, ticket))


def _send(ticket: Ticket, user: Any, form: ComposerForm) -> Any:
    data = form.cleaned_data
    body = Body(text=data["body"], files=form.incoming_files())
    if data["kind"] == "reply":
        return services.post_reply(ticket, actor=user, body=body, status=data["status"] or None)
    with transaction.atomic():  # the note and its status change stand or fall together
        message = services.add_note(ticket, actor=user, body=body)
        if data["status"]:
            services.set_status(ticket, actor=user, status=data["status"])
    return message


@require_POST
@agent_required
def reply(request: AgentRequest, pk: int) -> HttpResponse:
    """The composer: a public reply or an internal note, with files and a status after."""
    ticket = visible_ticket_or_404(request.user, pk)
    form = ComposerForm(request.POST, files_list=request.FILES.getlist("files"))
    if form.is_valid():
        try:
            message = _send(ticket, request.user, form)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            if message.is_public:
                messages.success(request, _("Your reply was sent."))
            else:
                messages.success(request, _("Your note was added."))
            return redirect(reverse("tickets:detail", args=[ticket.pk]) + f"#message-{message.pk}")
    context = detail_context(request, ticket, composer=form)
    return render(request, "tickets/detail.html", context, status=400)


@require_POST
@agent_required
def merge(request: AgentRequest, pk: int) -> HttpResponse:
    source = visible_ticket_or_404(request.user, pk)
    form = MergeForm(request.POST)
    if form.is_valid():
        target = visible_tickets(request.user).filter(pk=form.cleaned_data["target"]).first()
        if target is None:
            form.add_error("target", _("There is no ticket with this number that you can see."))
        else:
            try:
                merge_tickets(source, target, actor=request.user)
            except DomainError as exc:
                form.add_error("target", exc.message)
            else:
                messages.success(request, _("Ticket #%(source)s was merged into this ticket.")
                                 % {"source": source.pk})
                return redirect("tickets:detail", pk=target.pk)
    context = detail_context(request, source, merge_form=form)
    return render(request, "tickets/detail.html", context, status=400)


@require_GET
@agent_required
def attachment(request: AgentRequest, public_id: str) -> FileResponse:
    """A file, only through the same check as its ticket; never rendered as a page."""
    found = visible_attachment(request.user, public_id)
    if found is None:
        raise Http404
    try:
        handle = found.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    inline = found.content_type in SAFE_INLINE_TYPES
    response = FileResponse(
        handle, as_attachment=not inline, filename=found.filename,
        content_type=found.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=0"
    return response
