"""Debian's Chromium under Playwright, shared by every browser test module."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")


@contextmanager
def launched_chromium() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: run scripts/ensure_chromium.sh (apt, no download)")
    # Playwright's sync API keeps its event loop marked as running in this thread, and
    # Django then refuses ORM calls here. The tests' own ORM calls never overlap a
    # browser call, and the servers answer from their own threads.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True,
            args=["--no-sandbox", "--disable-background-networking", "--disable-gpu"],
        )
        yield chromium
        chromium.close()


TIMEOUT_MS = 10_000
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One Chromium per test module (registered for every test by the root conftest)."""
    with launched_chromium() as chromium:
        yield chromium


def desktop_context(browser: Browser) -> BrowserContext:
    """A fresh English desktop browser profile; the caller closes it."""
    context = browser.new_context(locale="en-US", viewport=DESKTOP)
    context.set_default_timeout(TIMEOUT_MS)
    return context


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = desktop_context(browser)
    yield context
    context.close()


def sign_in_with_cookie(context: BrowserContext, base_url: str, user: Any) -> None:
    """A session made by the test client, handed to the browser (the sign-in form has its
    own test)."""
    client = Client()
    client.force_login(user)
    context.add_cookies([{
        "name": settings.SESSION_COOKIE_NAME, "url": base_url,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
    }])
