"""The key journeys in a real Chromium (Debian's, driven by Playwright) against a live server.

scripts/ensure_chromium.sh installs the browser from apt; nothing is downloaded here.
These are plain sync tests: Playwright's sync API cannot run inside an asyncio loop.
"""

import re
import time
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.cache import cache
from playwright.sync_api import Page, expect

from rapport.core.effects import effects_suppressed
from rapport.core.tests.browsing import sign_in_with_cookie
from rapport.portal.forms import MIN_FILL_SECONDS
from rapport.tickets import services
from rapport.tickets.models import Message, Ticket
from rapport.tickets.services import Body
from rapport.tickets.tests.factories import make_ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/rapport-shots")
PASSWORD = "correct horse battery staple"  # UserFactory's
RU_CATALOGUE = Path(settings.BASE_DIR) / "locale" / "ru" / "LC_MESSAGES" / "django.po"
TIMEOUT_MS = 10_000
PHONE = {"width": 390, "height": 844}


def russian(msgid: str) -> str:
    """The Russian catalogue's translation of msgid, however the translator worded it."""
    with RU_CATALOGUE.open("rb") as po:
        message = read_po(po, locale="ru").get(msgid)
    translated = str(message.string) if message is not None and message.string else ""
    assert translated, f"{RU_CATALOGUE} has no translation for {msgid!r} yet"
    assert re.search("[а-яё]", translated, re.IGNORECASE), translated
    return translated


def no_horizontal_scroll(page: Page) -> None:
    scroll_width, inner_width = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth]"
    )
    # A mobile browser widens the layout viewport to fit content that is too wide, so
    # innerWidth must still be the phone's width for the comparison to mean anything.
    assert inner_width == PHONE["width"], f"{page.url}: layout viewport is {inner_width}px"
    assert scroll_width <= inner_width, f"{page.url}: scrollWidth {scroll_width} > {inner_width}"


def test_agent_signs_in_replies_and_switches_to_russian(context, live_server, agent, customer,
                                                        team):
    with effects_suppressed():
        ticket = make_ticket(requester=customer, team=team, assignee=agent,
                             subject="Refund for order 1182", text="The parcel never came.")
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(agent.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(re.compile(r"/tickets/$"))
    expect(page.locator("h1")).to_have_text("My open")
    page.get_by_role("link", name="Refund for order 1182").click()

    expect(page).to_have_url(re.compile(rf"/tickets/{ticket.pk}/$"))
    expect(page.locator("main")).to_contain_text("The parcel never came.")
    page.locator("textarea[name=body]").fill("We are sending a new parcel today.")
    page.get_by_role("button", name="Send reply", exact=True).click()

    reply = Message.objects.get(ticket=ticket, body_text="We are sending a new parcel today.")
    expect(page).to_have_url(re.compile(rf"/tickets/{ticket.pk}/#message-{reply.pk}$"))
    expect(page.locator(f"#message-{reply.pk}")).to_contain_text("a new parcel today")
    expect(page.locator("main")).to_contain_text("Your reply was sent.")

    # The top bar's language control submits itself when a language is chosen.
    with page.expect_navigation():
        page.locator("select[name=language]").select_option("ru")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "ticket.png"), full_page=True)
    page.goto(f"{live_server.url}/tickets/")
    page.screenshot(path=str(SHOTS / "inbox.png"), full_page=True)
    agent.refresh_from_db()
    assert agent.ui_language == "ru"
    expect(page.locator("#sidebar")).to_contain_text(russian("Customers"))
    expect(page.locator(".user-menu")).to_contain_text(russian("Sign out"))


def test_customer_writes_in_and_opens_the_ticket_from_the_email(context, live_server, settings,
                                                                 mailoutbox):
    settings.SITE_URL = live_server.url  # links in emails point at this server
    cache.clear()  # the portal's rate limits live in the cache
    page = context.new_page()
    page.goto(f"{live_server.url}/portal/")
    shown_at = time.monotonic()
    page.get_by_label("Your name").fill("Marta Jovanović")
    page.get_by_label("Your email address").fill("marta@example.test")
    page.get_by_label("Subject").fill("Cup arrived broken")
    page.get_by_label("How can we help?").fill("The box was crushed and the cup is broken.")
    # The form refuses what is sent faster than a person could type it.
    time.sleep(max(0.0, MIN_FILL_SECONDS + 0.3 - (time.monotonic() - shown_at)))
    page.get_by_role("button", name="Send", exact=True).click()

    expect(page).to_have_url(re.compile(r"/portal/thanks/$"))
    ticket = Ticket.objects.get(subject="Cup arrived broken")
    expect(page.locator("main")).to_contain_text(f"#{ticket.pk}")

    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == ["marta@example.test"]
    link = re.search(rf"{re.escape(live_server.url)}/portal/access/[\w-]+/", email.body)
    assert link, email.body
    page.goto(link.group(0))
    page.get_by_role("button", name="Continue").click()

    expect(page).to_have_url(re.compile(rf"/portal/tickets/{ticket.pk}/$"))
    expect(page.locator("h1")).to_contain_text("Cup arrived broken")
    expect(page.locator(".conversation")).to_contain_text("the cup is broken")


def test_inbox_and_ticket_page_fit_a_phone(browser, live_server, agent, customer, team):
    with effects_suppressed():
        ticket = make_ticket(
            requester=customer, team=team, assignee=agent,
            subject="Tracking link does not open on my phone after the latest update",
            text="This link fails: https://tracking.example.test/parcels/"
                 "RR123456789RS/history?session=4f7c2a9e0b1d4c6f8a3e5b7d9c1f2a4e6b8d0c2e",
        )
        services.add_note(ticket, actor=agent, body=Body(text="Asked the carrier."))
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True,
        has_touch=True, locale="en-US",
    )
    context.set_default_timeout(TIMEOUT_MS)
    try:
        sign_in_with_cookie(context, live_server.url, agent)
        page = context.new_page()
        # Russian labels are longer than English ones: both must fit.
        for language in ("en", "ru"):
            agent.ui_language = language
            agent.save(update_fields=["ui_language"])
            page.goto(f"{live_server.url}/tickets/?view=all")
            expect(page.locator("html")).to_have_attribute("lang", language)
            expect(page.get_by_role("link", name=ticket.subject)).to_be_attached()
            no_horizontal_scroll(page)
            page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
            expect(page.locator("main")).to_contain_text("Asked the carrier.")
            no_horizontal_scroll(page)
    finally:
        context.close()
