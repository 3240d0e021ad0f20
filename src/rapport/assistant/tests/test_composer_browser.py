"""The assistant under the reply box in a real Chromium: underline, one-click replacement,
LATTE for an upset customer, and the check stored with the sent reply."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from rapport.assistant.builtin_rules import install_builtin_rules
from rapport.assistant.models import AcceptedSuggestion, PhraseRule, ReplyCheck
from rapport.assistant.rulebook import forget_rules
from rapport.core.effects import effects_suppressed
from rapport.core.tests.browsing import sign_in_with_cookie
from rapport.tickets.models import Message
from rapport.tickets.tests.factories import make_ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/rapport-shots")
TIMEOUT_MS = 10_000
DRAFT = "К сожалению, ваш заказ задерживается"
USE = "Use «В настоящий момент» instead of «К сожалению»"


@pytest.fixture
def open_ticket(context, live_server, agent, customer, team):
    """Opens a ticket of the Russian-speaking customer as its agent; returns (page, ticket)."""
    install_builtin_rules(PhraseRule)  # a transactional test before may have flushed them
    forget_rules()
    sign_in_with_cookie(context, live_server.url, agent)

    def open_page(text: str) -> tuple[Page, object]:
        with effects_suppressed():
            ticket = make_ticket(requester=customer, team=team, assignee=agent, language="ru",
                                 subject="Заказ 5521", text=text)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
        page.errors = errors  # type: ignore[attr-defined]
        return page, ticket

    yield open_page
    forget_rules()


def test_use_replaces_the_underlined_phrase_and_the_reply_records_it(open_ticket):
    page, ticket = open_ticket("Здравствуйте, где мой заказ?")
    box = page.locator("textarea[name=body]")
    box.click()
    box.press_sequentially(DRAFT, delay=15)

    mark = page.locator("[data-assistant-highlight] mark")
    expect(mark).to_have_count(1)
    expect(mark).to_have_text("К сожалению")
    panel = page.locator("[data-assistant]")
    expect(panel).to_be_visible()
    expect(panel.locator("[data-assistant-finding]")).to_contain_text("«В настоящий момент»")
    # The layer lies exactly under the text box: the mark sits on the typed words.
    box_area, mark_area = box.bounding_box(), mark.bounding_box()
    assert box_area
    assert mark_area
    assert box_area["x"] <= mark_area["x"] < box_area["x"] + 40
    assert box_area["y"] <= mark_area["y"] < box_area["y"] + 40
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "assistant-composer.png"))

    page.get_by_role("button", name=USE).click()
    expect(box).to_have_value("В настоящий момент, ваш заказ задерживается")
    expect(mark).to_have_count(0)
    expect(panel.locator("[data-assistant-summary]")).to_have_text("No phrases to rephrase.")
    _wait_for(lambda: AcceptedSuggestion.objects.filter(ticket=ticket).count() == 1)

    page.get_by_role("button", name="Send reply", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/tickets/{ticket.pk}/#message-\d+$"))
    reply = Message.objects.get(ticket=ticket, body_text="В настоящий момент, ваш заказ "
                                                         "задерживается")
    check = ReplyCheck.objects.get(message=reply)
    assert check.suggestions_accepted == 1
    assert check.findings_count == 0
    assert page.errors == []  # type: ignore[attr-defined]


def test_an_upset_customer_brings_latte_and_a_closing_notes_are_left_alone(open_ticket):
    page, _ticket = open_ticket("Это возмутительно! Верните деньги, сколько можно ждать!")
    latte = page.locator("[data-assistant-latte]")
    expect(latte).to_be_visible()  # before typing: the customer's mood is known
    expect(latte.locator('[data-latte-step="thanks"] [data-latte-mark]')).to_have_text("○")

    box = page.locator("textarea[name=body]")
    box.fill("Спасибо, что написали. Понимаю ваше недовольство, заказ уже в пути.")
    expect(latte.locator('[data-latte-step="thanks"] [data-latte-mark]')).to_have_text("✓")
    expect(latte.locator('[data-latte-step="listens"]')).to_contain_text("done")
    expect(latte.locator('[data-latte-step="takes_action"]')).to_contain_text("not yet")
    closing = page.locator("[data-assistant-closing]")
    expect(closing).to_be_visible()
    suggested = closing.locator("[data-assistant-closing-text]").inner_text()
    page.get_by_role("button", name="Add closing").click()
    expect(box).to_have_value(
        f"Спасибо, что написали. Понимаю ваше недовольство, заказ уже в пути.\n\n{suggested}")
    expect(closing).to_be_hidden()

    page.locator("label", has_text="Internal note").click()
    expect(page.locator("[data-assistant]")).to_be_hidden()
    assert page.errors == []  # type: ignore[attr-defined]


def _wait_for(condition, seconds: float = 5.0) -> None:
    import time

    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)
