"""The demo's webhook endpoint: Rapport's own test receiver, so signed events can be
watched arriving at /webhooks/test-receiver/events/ (as the demo admin)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from rapport.webhooks.models import WebhookEndpoint


def install_demo_webhook() -> int:
    url = settings.SITE_URL + reverse("webhooks:test_receiver")
    WebhookEndpoint.objects.get_or_create(url=url, defaults={
        "description": "Demo: Rapport's own test receiver",
        "events": ["*"], "allow_private_addresses": True,  # it is this very server
    })
    return 1
