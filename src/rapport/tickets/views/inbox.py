"""The inbox page, its list fragment, bulk actions and the CSV export."""

import csv
from collections.abc import Callable, Iterator
from typing import Any

from django.contrib import messages
from django.http import HttpResponse, QueryDict, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from rapport.accounts.decorators import AgentRequest, agent_required, supervisor_required
from rapport.accounts.queries import active_agents
from rapport.audit.services import record_audit
from rapport.core.errors import DomainError, InvalidInput
from rapport.tickets import inbox as inbox_query
from rapport.tickets import services
from rapport.tickets.forms import BulkActionForm, InboxFilterForm
from rapport.tickets.models import Tag, Ticket
from rapport.tickets.queries import visible_tickets
from rapport.tickets.views.common import client_ip, is_htmx, safe_next
from rapport.tickets.views.rows import inbox_rows

PAGE_SIZE = 50


def _querystring(params: QueryDict, **changes: str | None) -> str:
    query = params.copy()
    for key, value in changes.items():
        query.pop(key, None)
        if value:
            query[key] = value
    return query.urlencode()


@require_GET
@agent_required
def inbox(request: AgentRequest) -> HttpResponse:
    agents = list(active_agents())
    form = InboxFilterForm(request.GET, agents=agents)
    items: list[Ticket] = []
    next_cursor, error = None, ""
    requested = request.GET.get("view", "")
    view = requested if requested in inbox_query.VIEWS else "my_open"
    if form.is_valid():
        try:
            result = inbox_query.page(
                request.user, form.to_query(), cursor=form.cleaned_data["cursor"] or None,
                limit=PAGE_SIZE,
            )
            items, next_cursor = result.items, result.next_cursor
        except DomainError as exc:
            error = exc.message
    else:
        error = _("Some filters are not valid; the list is empty until they are fixed.")
    context = {
        "form": form,
        "tickets": items,
        "rows": inbox_rows(items),
        "error": error,
        "current_view": view,
        "view_label": inbox_query.VIEWS[view],
        "inbox_page": True,
        "search_term": request.GET.get("q", ""),
        "next_query": _querystring(request.GET, cursor=next_cursor) if next_cursor else "",
        "first_query": _querystring(request.GET, cursor=None) if request.GET.get("cursor") else "",
        "filter_query": _querystring(request.GET, cursor=None),
        "bulk_form": BulkActionForm(agents=agents),
        "tag_names": Tag.objects.values_list("name", flat=True)[:500],
        "can_export": request.user.sees_all_tickets,
    }
    template = "tickets/_partials/inbox_list.html" if is_htmx(request) else "tickets/inbox.html"
    return render(request, template, context, status=400 if error else 200)


def _resolve_assignee(value: str, user: Any) -> Any:
    if value == "me":
        return user
    if value == "none":
        return None
    agent = active_agents().filter(pk=int(value)).first() if value.isdigit() else None
    if agent is None:
        raise InvalidInput(_("Choose an active agent."), code="invalid_assignee")
    return agent


def _bulk_operation(data: dict[str, Any], user: Any) -> Callable[[Ticket], Any]:
    action = data["action"]
    if action == "status":
        return lambda t: services.set_status(t, actor=user, status=data["status"])
    if action == "assign":
        assignee = _resolve_assignee(data["assignee"], user)
        return lambda t: services.assign(t, actor=user, assignee=assignee)
    if action == "team":
        return lambda t: services.set_team(t, actor=user, team=data["team"])
    return lambda t: services.change_tags(t, actor=user, add=[data["tag"]])


@require_POST
@agent_required
def bulk(request: AgentRequest) -> HttpResponse:
    """Apply one action to each selected ticket the agent can see, each through its verb."""
    next_url = safe_next(request, reverse("tickets:inbox"))
    form = BulkActionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, str(errors[0]))
        return redirect(next_url)
    ids = form.cleaned_data["ticket"]
    tickets = list(visible_tickets(request.user).filter(pk__in=ids))
    try:
        operation = _bulk_operation(form.cleaned_data, request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(next_url)
    done, failures = 0, []
    for ticket in tickets:
        try:
            operation(ticket)
            done += 1
        except DomainError as exc:
            failures.append(f"#{ticket.pk}: {exc.message}")
    _report_bulk(request, done, failures, missing=len(ids) - len(tickets))
    return redirect(next_url)


def _report_bulk(request: AgentRequest, done: int, failures: list[str], missing: int) -> None:
    if done:
        messages.success(request, ngettext("Updated %(n)d ticket.", "Updated %(n)d tickets.",
                                           done) % {"n": done})
    for failure in failures[:10]:
        messages.error(request, failure)
    if missing:
        messages.warning(request, ngettext(
            "%(n)d selected ticket was not found.", "%(n)d selected tickets were not found.",
            missing) % {"n": missing})


def _csv_safe(value: Any) -> str:
    """Spreadsheets run cells starting with these characters as formulas."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _csv_rows(tickets: Any) -> Iterator[str]:
    class Echo:
        def write(self, value: str) -> str:
            return value

    writer = csv.writer(Echo())
    yield "\ufeff"  # a BOM, so spreadsheet apps read Cyrillic and Chinese text as UTF-8
    yield writer.writerow([
        _("Number"), _("Subject"), _("Status"), _("Priority"), _("Channel"), _("Requester"),
        _("Requester email"), _("Team"), _("Assignee"), _("Tags"), _("Language"),
        _("Created"), _("Updated"),
    ])
    for t in tickets.iterator(chunk_size=500):
        yield writer.writerow([_csv_safe(v) for v in (
            t.pk, t.subject, t.get_status_display(), t.get_priority_display(),
            t.get_channel_display(), t.requester, t.requester.email, t.team or "",
            t.assignee or "", ", ".join(tag.name for tag in t.tags.all()), t.language,
            t.created_at.isoformat(), t.updated_at.isoformat(),
        )])


@require_GET
@supervisor_required
def export_csv(request: AgentRequest) -> HttpResponseBase:
    form = InboxFilterForm(request.GET)
    if not form.is_valid():
        return HttpResponse(_("Some filters are not valid."), status=400,
                            content_type="text/plain; charset=utf-8")
    query = form.to_query()
    order = [f"-{f}" for f in inbox_query.SORTS[query.sort]]
    tickets = (
        inbox_query.filtered_tickets(request.user, query)
        .order_by(*order).select_related("requester", "team", "assignee")
        .prefetch_related("tags")
    )
    filters = {k: request.GET.getlist(k) for k in request.GET if k != "cursor"}
    record_audit("tickets.exported", actor=request.user, ip_address=client_ip(request),
                 data={"filters": filters, "count": tickets.count()})
    response = StreamingHttpResponse(_csv_rows(tickets), content_type="text/csv; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="tickets-{stamp}.csv"'
    return response
