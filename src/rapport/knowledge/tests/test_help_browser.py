"""The help center on a phone, in a real Chromium: nothing wider than the screen, and
voting with and without JavaScript."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from rapport.knowledge.models import HelpfulVote
from rapport.knowledge.queries import public_article_url
from rapport.knowledge.tests.factories import add_translation, ensure_locales, make_article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 740}
TIMEOUT_MS = 10_000
SHOTS = Path("/tmp/rapport-shots")
# A long unbroken word, a wide table and a code line: what usually breaks a phone layout.
WIDE_BODY = """Follow the parcel with your tracking number ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789XYZ.

| Region | Carrier | Standard | Express | Notes for the customer |
|---|---|---|---|---|
| Scottish Highlands and islands | ParcelLine | 3–5 working days | 2 days | by phone |

```
curl https://northwind-parcel.example/api/v1/track?number=ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789
```

1. Open **My orders**.
2. Choose *Track parcel*.
"""


def phone(browser: Browser, *, javascript: bool = True) -> BrowserContext:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True,
                                  locale="ru-RU", java_script_enabled=javascript)
    context.set_default_timeout(TIMEOUT_MS)
    return context


def assert_fits(page: Page) -> None:
    scroll_width, inner_width = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert inner_width == PHONE["width"], f"{page.url}: layout viewport is {inner_width}px"
    assert scroll_width <= inner_width, f"{page.url}: scrollWidth {scroll_width} > {inner_width}"


@pytest.fixture
def article(db):
    ensure_locales()
    en = make_article("Tracking an order with a rather long title that has to wrap", WIDE_BODY)
    add_translation(en, "ru", "Как отследить заказ", WIDE_BODY)
    return en


def test_the_help_center_fits_a_phone_and_votes_in_place(browser, live_server, article):
    context = phone(browser)
    page = context.new_page()
    page.goto(f"{live_server.url}/help/")
    expect(page).to_have_url(re.compile(r"/help/ru/$"))  # the browser speaks Russian
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    assert_fits(page)

    page.get_by_role("link", name="Как отследить заказ").click()
    expect(page.locator("h1")).to_have_text("Как отследить заказ")
    expect(page.locator(".help-body table")).to_be_visible()
    assert_fits(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "help-article-phone.png"), full_page=True)
    vote_button = page.locator("form[data-help-vote] button[value=yes]")
    box = vote_button.bounding_box()
    assert box is not None
    assert box["height"] >= 44  # a finger-sized target

    url_before = page.url
    vote_button.click()
    expect(page.locator(".help-thanks")).to_be_visible()
    expect(page.locator("form[data-help-vote] button[value=yes]")).to_have_attribute(
        "aria-pressed", "true")
    assert page.url == url_before  # answered in place, no reload
    ru = article.article.translations.get(locale="ru")
    ru.refresh_from_db()
    assert (ru.helpful_yes, ru.helpful_no) == (1, 0)

    # Changing one's mind moves the vote; it is never counted twice.
    page.locator("form[data-help-vote] button[value=no]").click()
    expect(page.locator("form[data-help-vote] button[value=no]")).to_have_attribute(
        "aria-pressed", "true")
    ru.refresh_from_db()
    assert (ru.helpful_yes, ru.helpful_no) == (0, 1)
    assert HelpfulVote.objects.count() == 1

    page.get_by_role("link", name="English").first.click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_contain_text("Tracking an order")
    assert_fits(page)
    context.close()


def test_voting_works_without_javascript(browser, live_server, article):
    context = phone(browser, javascript=False)
    page = context.new_page()
    page.goto(live_server.url + public_article_url(article))
    assert_fits(page)
    page.locator("form[data-help-vote] button[value=yes]").click()
    expect(page).to_have_url(re.compile(r"#feedback$"))
    expect(page.locator(".help-thanks")).to_be_visible()
    article.refresh_from_db()
    assert (article.helpful_yes, article.helpful_no) == (1, 0)
    context.close()
