"""Sign-in, sign-out, the agent's preferences (language, API tokens), the language and
online/away switches."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from rapport.accounts import services
from rapport.accounts.decorators import AgentRequest, agent_required
from rapport.accounts.forms import PreferencesForm, SignInForm, TokenForm
from rapport.api import services as api_services
from rapport.api.models import ApiToken
from rapport.core.errors import DomainError


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    """POST only (Django's default): a link or an image cannot sign anybody out."""


def _set_language_cookie(response: HttpResponse, language: str) -> None:
    if not language:
        response.delete_cookie(settings.LANGUAGE_COOKIE_NAME, path=settings.LANGUAGE_COOKIE_PATH)
        return
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, language,
        max_age=settings.LANGUAGE_COOKIE_AGE, path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN, secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY, samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def _render_preferences(request: AgentRequest, status: int = 200, **context: Any) -> HttpResponse:
    user = request.user
    context.setdefault("form", PreferencesForm(initial={"ui_language": user.ui_language}))
    context.setdefault("token_form", TokenForm())
    context["tokens"] = ApiToken.objects.filter(user=user).order_by("revoked_at", "-created_at")
    response = render(request, "accounts/preferences.html", context, status=status)
    add_never_cache_headers(response)  # may carry a token's plaintext, shown once
    return response


@agent_required
def preferences(request: AgentRequest) -> HttpResponse:
    if request.method != "POST":
        return _render_preferences(request)
    form = PreferencesForm(request.POST)
    if form.is_valid():
        language = form.cleaned_data["ui_language"]
        try:
            services.set_ui_language(request.user, language)
        except DomainError as exc:
            form.add_error("ui_language", exc.message)
        else:
            translation.activate(language or settings.LANGUAGE_CODE)
            messages.success(request, _("Your preferences were saved."))
            response = redirect("accounts:preferences")
            _set_language_cookie(response, language)
            return response
    return _render_preferences(request, status=400, form=form)


@require_POST
@agent_required
def create_token(request: AgentRequest) -> HttpResponse:
    """The plaintext is rendered in this response only: never stored, never redirected."""
    form = TokenForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            token, plaintext = api_services.create_token(
                request.user, data["name"], list(data["scopes"]), form.expires_at(),
                actor=request.user,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return _render_preferences(request, new_token=token, plaintext=plaintext)
    return _render_preferences(request, status=400, token_form=form)


@require_POST
@agent_required
def revoke_token(request: AgentRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    try:
        api_services.revoke_token(token, request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("accounts:preferences")


@require_POST
@agent_required
def switch_language(request: AgentRequest) -> HttpResponse:
    """The top bar's switcher: Django's set_language, remembered on the agent's account.

    The agent's stored language wins over the cookie (core.middleware), so the switch
    must update both or it would seem to do nothing.
    """
    response = set_language(request)
    language = request.POST.get("language", "")
    if translation.check_for_language(language):
        try:
            services.set_ui_language(request.user, language)
        except DomainError as exc:
            messages.error(request, exc.message)
    return response


@require_POST
@agent_required
def switch_presence(request: AgentRequest) -> HttpResponse:
    """The top bar's online/away switch."""
    try:
        services.set_presence(request.user, request.POST.get("presence", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect(_safe_next(request))


def _safe_next(request: AgentRequest) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return target
    return reverse("tickets:inbox")
