"""Customer portal pages: parse, call a query or a service verb, render."""

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rapport.contacts.models import Customer
from rapport.contacts.services import update_customer
from rapport.core.errors import DomainError
from rapport.portal import services, throttle
from rapport.portal.forms import ContactForm, ReplyForm, RequestLinkForm
from rapport.portal.queries import link_is_usable, surviving_customer
from rapport.portal.session import (
    current_customer,
    customer_required,
    set_language,
    sign_in,
    sign_out,
)
from rapport.tickets.attachments import SAFE_INLINE_TYPES
from rapport.tickets.models import Status, Ticket
from rapport.tickets.queries import visible_attachment, visible_messages, visible_tickets
from rapport.tickets.services import Body, post_reply

SUBMITTED_KEY = "portal_submitted"
TICKETS_PER_PAGE = 20


def _page(
    request: HttpRequest, template: str, context: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    context = {"portal_customer": current_customer(request), **(context or {})}
    return render(request, f"portal/{template}", context, status=status)


def _client_ip(request: HttpRequest) -> str:
    # Only the socket address: a forwarded header is whatever the client wants it to be.
    return str(request.META.get("REMOTE_ADDR") or "unknown")


def _too_many(request: HttpRequest, template: str, form: Any) -> HttpResponse:
    form.add_error(None, _("Too many attempts from you. Please try again in an hour."))
    return _page(request, template, {"form": form}, status=429)


@require_http_methods(["GET", "POST"])
def contact(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = ContactForm(request.POST, request.FILES)
        if form.is_valid():
            return _submit_contact(request, form)
        return _page(request, "contact.html", {"form": form}, status=400)
    customer = current_customer(request)
    initial = {"name": customer.name, "email": customer.email} if customer else {}
    return _page(request, "contact.html", {"form": ContactForm(initial=initial)})


def _submit_contact(request: HttpRequest, form: ContactForm) -> HttpResponse:
    data = form.cleaned_data
    if not throttle.allow("contact", _client_ip(request), data["email"]):
        return _too_many(request, "contact.html", form)
    try:
        ticket = services.submit_contact_form(
            name=data["name"], email=data["email"], subject=data["subject"],
            text=data["message"], files=data["attachments"],
            language=translation.get_language() or "",
        )
    except DomainError as exc:
        form.add_error(None, exc.message)
        return _page(request, "contact.html", {"form": form}, status=exc.status)
    request.session[SUBMITTED_KEY] = {"number": ticket.pk, "email": data["email"]}
    return redirect("portal:thanks")


@require_GET
def thanks(request: HttpRequest) -> HttpResponse:
    submitted = request.session.get(SUBMITTED_KEY)
    if not submitted:
        return redirect("portal:contact")
    return _page(request, "thanks.html", {"number": submitted["number"],
                                          "email": submitted["email"]})


@never_cache
@require_http_methods(["GET", "POST"])
def access(request: HttpRequest, token: str) -> HttpResponse:
    """GET only asks; POST uses the link, so a mail scanner's prefetch does not burn it."""
    if request.method == "GET":
        if not link_is_usable(token):
            return _link_unusable(request)
        return _page(request, "access_confirm.html")
    link = services.redeem_access_link(token)
    customer = surviving_customer(link.customer_id) if link else None
    if link is None or customer is None:
        return _link_unusable(request)
    sign_in(request, customer)
    if link.ticket_id:
        return redirect("portal:ticket", number=link.ticket_id)
    return redirect("portal:tickets")


def _link_unusable(request: HttpRequest) -> HttpResponse:
    return _page(request, "access_invalid.html", {"form": RequestLinkForm()}, status=410)


@never_cache
@require_http_methods(["GET", "POST"])
def request_link(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _page(request, "request_link.html", {"form": RequestLinkForm()})
    form = RequestLinkForm(request.POST)
    if not form.is_valid():
        return _page(request, "request_link.html", {"form": form}, status=400)
    email = form.cleaned_data["email"]
    if not throttle.allow("link", _client_ip(request), email):
        return _too_many(request, "request_link.html", form)
    services.request_access_link(email, language=translation.get_language() or "")
    # The same answer for every address: the page must not tell who is a customer.
    return _page(request, "link_sent.html", {"email": email})


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    sign_out(request)
    messages.info(request, _("You are signed out."))
    return redirect("portal:contact")


@require_POST
def language(request: HttpRequest) -> HttpResponse:
    code = request.POST.get("language", "")
    if set_language(request, code):
        customer = current_customer(request)
        if customer is not None and customer.language != code:
            update_customer(customer, actor=customer, language=code)
    target = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return redirect(target if safe and target else reverse("portal:contact"))


@require_GET
@customer_required
def tickets(request: HttpRequest, customer: Customer) -> HttpResponse:
    queryset = visible_tickets(customer).select_related("requester").order_by("-updated_at", "-id")
    page = Paginator(queryset, TICKETS_PER_PAGE).get_page(request.GET.get("page"))
    company = customer.company
    return _page(request, "tickets.html", {
        "page": page, "shows_company": bool(company and company.share_tickets),
    })


@require_http_methods(["GET", "POST"])
@customer_required
def ticket(request: HttpRequest, customer: Customer, number: int) -> HttpResponse:
    visible = visible_tickets(customer)
    found = get_object_or_404(visible.select_related("requester"), pk=number)
    if found.merged_into_id and visible.filter(pk=found.merged_into_id).exists():
        return redirect("portal:ticket", number=found.merged_into_id)
    form = ReplyForm()
    if request.method == "POST":
        form = ReplyForm(request.POST, request.FILES)
        if form.is_valid() and _reply(request, customer, found, form):
            return redirect(reverse("portal:ticket", args=[found.pk]) + "#latest")
    return _page(request, "ticket.html", {
        "ticket": found,
        "conversation": list(visible_messages(customer, found)),
        "form": form,
        "is_closed": found.status == Status.CLOSED,
    }, status=400 if form.is_bound else 200)


def _reply(request: HttpRequest, customer: Customer, found: Ticket, form: ReplyForm) -> bool:
    data = form.cleaned_data
    try:
        post_reply(found, actor=customer, body=Body(text=data["message"],
                                                      files=data["attachments"]))
    except DomainError as exc:
        form.add_error(None, exc.message)
        return False
    messages.success(request, _("Your reply was added."))
    return True


@require_GET
@customer_required
def attachment(request: HttpRequest, customer: Customer, public_id: str) -> HttpResponseBase:
    found = visible_attachment(customer, public_id)
    if found is None:
        raise Http404
    try:
        handle = found.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, as_attachment=found.content_type not in SAFE_INLINE_TYPES,
        filename=found.filename, content_type=found.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
