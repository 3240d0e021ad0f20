"""Customers in the agent UI: the searchable list, one customer's page, merging."""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from rapport.accounts.decorators import AgentRequest, agent_required, supervisor_required
from rapport.contacts import queries, services
from rapport.contacts.models import Customer
from rapport.core.errors import DomainError
from rapport.tickets.queries import visible_tickets

PAGE_SIZE = 50


class MergeCustomerForm(forms.Form):
    other = forms.CharField(
        label=gettext_lazy("Customer to merge into this one (number or email)"), max_length=320
    )


def _is_htmx(request: AgentRequest) -> bool:
    return request.headers.get("HX-Request") == "true" and (
        request.headers.get("HX-History-Restore-Request") != "true"
    )


@require_GET
@agent_required
def customer_list(request: AgentRequest) -> HttpResponse:
    term = request.GET.get("q", "")[:200]
    paginator = Paginator(queries.search_customers(term), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    context = {"page": page, "term": term, "section": "customers"}
    fragment = _is_htmx(request)
    template = "contacts/_partials/customer_list.html" if fragment else "contacts/list.html"
    return render(request, template, context)


def _detail_context(request: AgentRequest, customer: Customer, merge_form: MergeCustomerForm | None
                    = None) -> dict:
    tickets = (
        visible_tickets(request.user).filter(requester=customer)
        .select_related("assignee", "team").order_by("-updated_at", "-id")
    )
    return {
        "customer": customer,
        "identities": customer.identities.order_by("kind", "value"),
        "tickets": tickets[:200],
        "ticket_count": tickets.count(),
        "merged_from": customer.merged_from.order_by("id"),
        "merge_form": merge_form or MergeCustomerForm(),
        "can_merge": request.user.sees_all_tickets,
        "section": "customers",
    }


@require_GET
@agent_required
def customer_detail(request: AgentRequest, pk: int) -> HttpResponse:
    customer = get_object_or_404(Customer.objects.select_related("company"), pk=pk)
    if customer.merged_into_id:
        # Old links keep working: the merged record only points at the one that stayed.
        messages.info(request, _("This customer was merged; showing the customer it became."))
        return redirect("contacts:detail", pk=customer.merged_into_id)
    return render(request, "contacts/detail.html", _detail_context(request, customer))


@require_POST
@supervisor_required
def merge(request: AgentRequest, pk: int) -> HttpResponse:
    """Merge another customer (the source) into this one (the target, which stays)."""
    target = get_object_or_404(Customer.objects.active().select_related("company"), pk=pk)
    form = MergeCustomerForm(request.POST)
    if form.is_valid():
        source = queries.customer_by_reference(form.cleaned_data["other"])
        if source is None:
            form.add_error("other", _("No customer has this number or email address."))
        else:
            try:
                services.merge_customers(source, target, actor=request.user)
            except DomainError as exc:
                form.add_error("other", exc.message)
            else:
                messages.success(request, _("%(source)s was merged into this customer.")
                                 % {"source": source})
                return redirect("contacts:detail", pk=target.pk)
    context = _detail_context(request, target, merge_form=form)
    return render(request, "contacts/detail.html", context, status=400)
