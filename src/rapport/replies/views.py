"""Managing canned replies and folders (/replies/). Thin: scoped reads, then a verb.

Another agent's personal reply or folder does not exist for the asker (404); a shared
one they may use but not manage is refused (403).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rapport.accounts.decorators import AgentRequest, agent_required
from rapport.core.errors import DomainError
from rapport.replies import rendering, services
from rapport.replies.context import sample_context
from rapport.replies.forms import FolderForm, ReplyForm
from rapport.replies.languages import LANGUAGE_CODE, language_name, normalise
from rapport.replies.models import CannedReply, ReplyFolder
from rapport.replies.queries import (
    can_edit,
    editable_folders,
    library,
    manages_shared,
    usable_replies,
    used_languages,
    visible_folders,
)

PLACEHOLDER_HELP = {
    "customer.first_name": gettext_lazy("Customer's first name (else the full name)"),
    "customer.last_name": gettext_lazy("Customer's last name"),
    "customer.name": gettext_lazy("Customer's full name"),
    "customer.email": gettext_lazy("Customer's email address"),
    "company.name": gettext_lazy("Customer's company"),
    "ticket.number": gettext_lazy("Ticket number"),
    "ticket.subject": gettext_lazy("Ticket subject"),
    "ticket.status": gettext_lazy("Ticket status"),
    "agent.first_name": gettext_lazy("Your first name"),
    "agent.name": gettext_lazy("Your full name"),
    "brand.name": gettext_lazy("Your organisation's name"),
}


@require_GET
@agent_required
def reply_list(request: AgentRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    return render(request, "replies/list.html", {
        "query": query,
        "sections": library(request.user, query),
        "folders": visible_folders(request.user),
        "manages_shared": manages_shared(request.user),
        "section": "replies",
    })


def _editable_reply(request: AgentRequest, reply_id: int) -> CannedReply:
    reply = get_object_or_404(usable_replies(request.user), pk=reply_id)
    if not can_edit(request.user, reply):
        raise PermissionDenied
    return reply


def _reply_page(request: AgentRequest, form: ReplyForm, reply: CannedReply | None
                ) -> HttpResponse:
    return render(request, "replies/form.html", {
        "form": form, "reply": reply, "placeholders": [
            {"name": name, "help": PLACEHOLDER_HELP.get(name, "")}
            for name in rendering.PLACEHOLDERS
        ],
        "filters": ", ".join(rendering.FILTERS),
        "example": "{{ customer.first_name }}",
        "example_filter": "{{ customer.first_name|default('there') }}",
    }, status=400 if form.is_bound else 200)


def _save_reply(request: AgentRequest, reply: CannedReply | None) -> HttpResponse:
    form = ReplyForm(request.POST if request.method == "POST" else None, user=request.user,
                     reply=reply, used_languages=used_languages(),
                     initial=None if reply else {"default_language": "en"})
    if form.is_bound and form.is_valid():
        try:
            saved = services.save_reply(form.draft(), actor=request.user, reply=reply)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The reply “%(title)s” was saved.") % {
                "title": saved.title})
            return redirect("replies:list")
    return _reply_page(request, form, reply)


@require_http_methods(["GET", "POST"])
@agent_required
def reply_create(request: AgentRequest) -> HttpResponse:
    return _save_reply(request, None)


@require_http_methods(["GET", "POST"])
@agent_required
def reply_edit(request: AgentRequest, reply_id: int) -> HttpResponse:
    return _save_reply(request, _editable_reply(request, reply_id))


@require_POST
@agent_required
def reply_delete(request: AgentRequest, reply_id: int) -> HttpResponse:
    reply = _editable_reply(request, reply_id)
    services.delete_reply(reply, actor=request.user)
    messages.success(request, _("The reply “%(title)s” was deleted.") % {"title": reply.title})
    return redirect("replies:list")


@require_POST
@agent_required
def preview(request: AgentRequest) -> HttpResponse:
    """The form's texts filled in with a made-up ticket's values (nothing is saved)."""
    form = ReplyForm(request.POST, user=request.user, used_languages=used_languages())
    previews: list[dict[str, Any]] = []
    for code, name, text in _written_texts(form):
        entry: dict[str, Any] = {"code": code, "name": name}
        try:
            entry["text"] = rendering.render(
                text, sample_context(agent=request.user, language=code))
        except rendering.TemplateRefused as exc:
            entry["error"] = exc.message
        previews.append(entry)
    return render(request, "replies/_partials/preview.html", {"previews": previews})


def _written_texts(form: ReplyForm) -> list[tuple[str, str, str]]:
    """(code, language name, text) of each language the form has a text for."""
    data = form.data
    found = [(f.code, f.name, data.get(form.text_name(f.code)) or "")
             for f in form.language_fields()]
    other = normalise(data.get("other_language") or "")
    if other and other not in form.languages and LANGUAGE_CODE.match(other):
        found.append((other, language_name(other), data.get("other_text") or ""))
    return [entry for entry in found if entry[2].strip()]


def _save_folder(request: AgentRequest, folder: ReplyFolder | None) -> HttpResponse:
    form = FolderForm(request.POST if request.method == "POST" else None, user=request.user,
                      folder=folder)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            services.save_folder(actor=request.user, name=data["name"],
                                 position=data.get("position") or 0,
                                 shared=bool(data.get("shared")), folder=folder)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The folder “%(name)s” was saved.") % {
                "name": data["name"]})
            return redirect("replies:list")
    return render(request, "replies/folder_form.html", {"form": form, "folder": folder},
                  status=400 if form.is_bound else 200)


def _editable_folder(request: AgentRequest, folder_id: int) -> ReplyFolder:
    folder = get_object_or_404(visible_folders(request.user), pk=folder_id)
    if not editable_folders(request.user).filter(pk=folder.pk).exists():
        raise PermissionDenied
    return folder


@require_http_methods(["GET", "POST"])
@agent_required
def folder_create(request: AgentRequest) -> HttpResponse:
    return _save_folder(request, None)


@require_http_methods(["GET", "POST"])
@agent_required
def folder_edit(request: AgentRequest, folder_id: int) -> HttpResponse:
    return _save_folder(request, _editable_folder(request, folder_id))


@require_POST
@agent_required
def folder_delete(request: AgentRequest, folder_id: int) -> HttpResponse:
    folder = _editable_folder(request, folder_id)
    services.delete_folder(folder, actor=request.user)
    messages.success(request, _("The folder “%(name)s” was deleted; its replies were kept.")
                     % {"name": folder.name})
    return redirect(reverse("replies:list"))
