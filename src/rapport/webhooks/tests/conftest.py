"""Webhook fixtures: a real receiver, allowed through the admin allow-list, and endpoints."""

from datetime import UTC, datetime

import pytest

from rapport.webhooks.client import Limits
from rapport.webhooks.models import WebhookEndpoint
from rapport.webhooks.tests.receiver import Receiver

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Short enough that a hanging receiver costs the suite a fraction of a second.
FAST = Limits(connect=1.0, read=0.5, total=3.0)


@pytest.fixture
def receiver():
    with Receiver() as server:
        yield server


@pytest.fixture
def allow_loopback(settings):
    """What an admin does for an internal receiver: allow its address explicitly."""
    settings.RAPPORT_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]


@pytest.fixture
def queued_jobs(settings):
    """Jobs wait in the durable queue: the test drives the sending itself."""
    settings.TASKS = DB_TASKS


@pytest.fixture
def endpoint(db, receiver, allow_loopback):
    return WebhookEndpoint.objects.create(url=receiver.url(), events=["*"],
                                          description="Test receiver")


@pytest.fixture
def t0():
    return datetime(2030, 1, 1, 12, 0, tzinfo=UTC)
