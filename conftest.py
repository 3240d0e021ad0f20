"""Fixtures shared by every domain's tests: one of each role, a team, a customer."""

import pytest

from rapport.accounts.models import Role
from rapport.accounts.tests.factories import TeamFactory, UserFactory
from rapport.contacts.tests.factories import CustomerFactory
from rapport.tickets.tests.factories import make_ticket

# The browser tests' `browser` (one Chromium per module) and `context` fixtures.
pytest_plugins = ["rapport.core.tests.browsing"]


def pytest_report_header(config):
    from django.conf import settings

    return f"rapport database: {settings.DATABASES['default']['ENGINE']}"


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_routing_rules():
    """Routing keeps the active rules in memory for a few seconds; a test's rolled-back
    rules must not route the next test's tickets."""
    from rapport.routing.services import forget_rules

    forget_rules()
    yield
    forget_rules()


@pytest.fixture
def fresh_channel_layer():
    """A layer per test, as a server process has one per event loop: channels-redis keeps
    per-channel locks that a closed test loop could leave bound to itself."""
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture
def team(db):
    return TeamFactory(name="Billing")


@pytest.fixture
def other_team(db):
    return TeamFactory(name="Technical support")


@pytest.fixture
def agent(team):
    return UserFactory(username="anna", role=Role.AGENT, teams=[team], languages=["en", "ru"])


@pytest.fixture
def other_agent(other_team):
    return UserFactory(username="boris", role=Role.AGENT, teams=[other_team])


@pytest.fixture
def engineer(other_team):
    return UserFactory(username="erin", role=Role.ENGINEER, teams=[other_team])


@pytest.fixture
def supervisor(db):
    return UserFactory(username="sofia", role=Role.SUPERVISOR)


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", role=Role.ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def customer(db):
    return CustomerFactory(name="Ivan Petrov", email="ivan@example.test", language="ru")


@pytest.fixture
def ticket(customer, team):
    return make_ticket(requester=customer, team=team)


@pytest.fixture(scope="session")
def dovecot():
    """A private Dovecot IMAP server, one per xdist worker (channels/email/tests/dovecot.py).

    Skips when Dovecot is not installed, except in CI, where a skipped IMAP suite would
    pass unnoticed: there it fails (scripts/ensure_dovecot.sh installs it).
    """
    import os

    from rapport.channels.email.tests.dovecot import DovecotMissing, start_dovecot

    try:
        server = start_dovecot()
    except DovecotMissing as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{exc}; CI must run the IMAP tests.", pytrace=False)
        pytest.skip(str(exc))
    yield server
    server.stop()
