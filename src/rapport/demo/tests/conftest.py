"""Fixtures of the demo tests: the full demo data set, loaded once per module."""

import time
from types import SimpleNamespace

import pytest
from django.db import transaction
from django.test.utils import override_settings

from rapport.demo.loader import load_demo


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "server: starts a real `rapport serve` process (a few seconds)"
    )


@pytest.fixture(scope="module")
def loaded_demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """The whole demo (300 tickets), loaded once for a module and rolled back after it.

    Tests that read attachment files must point MEDIA_ROOT at ``loaded_demo.media``:
    the suite-wide fixture gives every test its own empty media folder.
    """
    media = tmp_path_factory.mktemp("demo-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media, DEMO_MODE=True):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            started = time.monotonic()
            result = load_demo()
            yield SimpleNamespace(result=result, media=media,
                                  seconds=time.monotonic() - started)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
