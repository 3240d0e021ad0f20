"""The assistant's pages and endpoints. Thin: a scoped read, one verb or review, an answer."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rapport.accounts.decorators import AgentRequest, agent_required, is_agent, supervisor_required
from rapport.assistant import queries, services
from rapport.assistant.forms import PhraseRuleForm
from rapport.assistant.models import Category, PhraseRule
from rapport.assistant.review import review_text
from rapport.core.errors import DomainError
from rapport.tickets.models import Ticket
from rapport.tickets.views.detail import visible_ticket_or_404

MAX_DRAFT_CHARS = 100_000  # the composer's own limit


# --- The composer -------------------------------------------------------------------

def composer_tool(request: HttpRequest, ticket: Ticket) -> SafeString | None:
    """The panel under the reply box (registered with tickets.panels)."""
    if not is_agent(request.user):
        return None
    return SafeString(render_to_string("assistant/_partials/composer_tool.html", {
        "ticket": ticket,
        "check_url": reverse("assistant:check", args=[ticket.pk]),
        "accept_url": reverse("assistant:accept", args=[ticket.pk]),
    }, request=request))


@require_http_methods(["GET", "POST"])
@agent_required
def check(request: AgentRequest, pk: int) -> JsonResponse:
    """POST: the draft's review. GET: the review of an empty draft (the customer's mood)."""
    ticket = visible_ticket_or_404(request.user, pk)
    text = request.POST.get("text", "")[:MAX_DRAFT_CHARS] if request.method == "POST" else ""
    review = review_text(
        text, tone=queries.customer_mood(ticket), seed=ticket.pk,
        fallback_languages=(ticket.language, *(request.user.languages or [])),
    )
    return JsonResponse(review.as_json())


@require_POST
@agent_required
def accept(request: AgentRequest, pk: int) -> JsonResponse:
    ticket = visible_ticket_or_404(request.user, pk)
    rule_id = request.POST.get("rule", "")
    try:
        taken = services.accept_suggestion(
            ticket, agent=request.user, rule_id=int(rule_id) if rule_id.isdigit() else None,
            phrase=request.POST.get("phrase", ""),
            alternative=request.POST.get("alternative", ""),
        )
    except DomainError as exc:
        return JsonResponse({"code": exc.code, "message": exc.message}, status=exc.status)
    return JsonResponse({"id": taken.pk}, status=201)


# --- Rules (supervisors and admins) ---------------------------------------------------

@require_GET
@supervisor_required
def rules(request: AgentRequest) -> HttpResponse:
    languages = queries.language_choices()
    language = request.GET.get("language", "")
    if language not in dict(languages):
        language = languages[0][0]
    return render(request, "assistant/rules.html", {
        "languages": languages, "language": language, "rules": queries.rules_in(language),
        "section": "assistant_rules",
    })


@require_http_methods(["GET", "POST"])
@supervisor_required
def rule_create(request: AgentRequest) -> HttpResponse:
    initial = {"language": request.GET.get("language", "en"), "category": Category.NEGATIVE}
    return _rule_form(request, PhraseRule(), initial)


@require_http_methods(["GET", "POST"])
@supervisor_required
def rule_edit(request: AgentRequest, rule_id: int) -> HttpResponse:
    return _rule_form(request, get_object_or_404(PhraseRule, pk=rule_id), {})


def _rule_form(request: AgentRequest, rule: PhraseRule, initial: dict[str, Any]) -> HttpResponse:
    form = PhraseRuleForm(request.POST or None, instance=rule, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_rule(form.save(commit=False), actor=request.user)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The rule was saved."))
            return redirect(_rules_url(saved.language))
    return render(request, "assistant/rule_form.html", {
        "form": form, "rule": rule, "languages": queries.language_choices(),
        "section": "assistant_rules",
    }, status=400 if form.errors else 200)


@require_POST
@supervisor_required
def rule_toggle(request: AgentRequest, rule_id: int) -> HttpResponse:
    rule = get_object_or_404(PhraseRule, pk=rule_id)
    services.set_rule_enabled(rule, enabled=not rule.enabled, actor=request.user)
    if rule.enabled:
        messages.success(request, _("«%(phrase)s» is checked again.") % {"phrase": rule.phrase})
    else:
        messages.success(request, _("«%(phrase)s» is no longer checked.") % {
            "phrase": rule.phrase})
    return redirect(_rules_url(rule.language))


def _rules_url(language: str) -> str:
    return f"{reverse('assistant:rules')}?{urlencode({'language': language})}"


# --- Report -------------------------------------------------------------------------

@require_GET
@supervisor_required
def report(request: HttpRequest) -> HttpResponse:
    days = request.GET.get("days", "")
    period = int(days) if days.isdigit() and int(days) in queries.REPORT_PERIODS else 30
    return render(request, "assistant/report.html", {
        "report": queries.assistant_report(period), "periods": queries.REPORT_PERIODS,
        "section": "assistant_report",
    })
