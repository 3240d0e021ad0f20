from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from rapport.api.urls import api

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="tickets:inbox", permanent=False)),
    path("accounts/", include("rapport.accounts.urls")),
    path("tickets/", include("rapport.tickets.urls")),
    path("customers/", include("rapport.contacts.urls")),
    path("portal/", include("rapport.portal.urls")),
    path("email/", include("rapport.channels.email.urls")),
    path("chat/", include("rapport.channels.chat.urls")),
    path("chats/", include("rapport.channels.chat.agent_urls")),
    path("email/outbound/", include("rapport.channels.email.outbound.urls")),
    path("routing/", include("rapport.routing.urls")),
    path("sla/", include("rapport.sla.urls")),
    path("automation/", include("rapport.automation.urls")),
    path("webhooks/", include("rapport.webhooks.urls")),
    path("search/", include("rapport.search.urls")),
    path("knowledge/", include("rapport.knowledge.urls")),
    path("help/", include("rapport.knowledge.public_urls")),
    path("replies/", include("rapport.replies.urls")),
    path("assistant/", include("rapport.assistant.urls")),
    path("api/", api.urls),
    path("webhooks/email/", include("rapport.channels.email.webhook_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
