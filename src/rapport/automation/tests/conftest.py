"""Automation fixtures: running what waits for the commit, and a mailbox to send from."""

import pytest

from rapport.channels.email.models import Mailbox


@pytest.fixture
def run_commit_hooks(django_capture_on_commit_callbacks):
    """Run the on-commit callbacks (jobs, and the jobs they enqueue) of the block."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def mailbox(team):
    return Mailbox.objects.create(name="Support", address="support@northwind.test",
                                  sender_name="Northwind Support", team=team)
