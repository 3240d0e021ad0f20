"""The "/" picker in a real Chromium: type, choose with the keyboard, get the reply
rendered for the ticket in the customer's language, never submitting the form."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from rapport.core.effects import effects_suppressed
from rapport.core.tests.browsing import sign_in_with_cookie
from rapport.replies.models import CannedReply, ReplyUse
from rapport.replies.tests.factories import make_reply
from rapport.tickets.models import Message
from rapport.tickets.tests.factories import make_ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/rapport-shots")
TIMEOUT_MS = 10_000
REFUND = {
    "en": "Hello {{ customer.first_name }}, the refund for #{{ ticket.number }} is on its way.",
    "ru": "Здравствуйте, {{ customer.first_name }}! Возврат по обращению #{{ ticket.number }} "
          "оформлен.",
}
EXCHANGE = {"en": "Hi {{ customer.first_name }}, we are sending the new size.",
            "sr": "Здраво, {{ customer.first_name }}, шаљемо нову величину."}


@pytest.fixture
def ticket_page(context, live_server, agent, customer, team):
    """The ticket page of a Russian-speaking customer's ticket, signed in as its agent."""
    make_reply(title="Refund issued", shortcut="refund", texts=REFUND)
    make_reply(title="Exchange", shortcut="exchange", texts=EXCHANGE)
    with effects_suppressed():
        ticket = make_ticket(requester=customer, team=team, assignee=agent, language="ru",
                             subject="Возврат", text="Верните деньги, пожалуйста.")
    sign_in_with_cookie(context, live_server.url, agent)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/tickets/{ticket.pk}/")
    page.errors = errors  # type: ignore[attr-defined]
    return page, ticket


def listbox(page: Page):
    return page.get_by_role("listbox", name="Canned replies")


def test_slash_refu_enter_inserts_the_russian_reply_for_this_ticket(ticket_page):
    page, ticket = ticket_page
    url = page.url
    box = page.locator("textarea[name=body]")
    box.click()
    box.press_sequentially("/refu", delay=40)

    expect(listbox(page)).to_be_visible()
    options = listbox(page).get_by_role("option")
    expect(options).to_have_count(1)
    expect(options.first).to_contain_text("Refund issued")
    expect(options.first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", options.first.get_attribute("id"))
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "replies-picker.png"))

    box.press("Enter")
    expected = f"Здравствуйте, Ivan! Возврат по обращению #{ticket.pk} оформлен."
    expect(box).to_have_value(expected)
    expect(listbox(page)).to_be_hidden()
    assert box.evaluate("el => [el.selectionStart, document.activeElement === el]") == [
        len(expected), True]
    assert page.url == url
    assert not Message.objects.filter(ticket=ticket, author_user__isnull=False).exists()
    assert ReplyUse.objects.get().language == "ru"
    assert CannedReply.objects.get(shortcut="refund").usage_count == 1
    assert page.errors == []  # type: ignore[attr-defined]


def test_keyboard_only_choose_switch_language_and_escape(ticket_page):
    page, ticket = ticket_page
    box = page.locator("textarea[name=body]")
    box.click()
    box.press_sequentially("Thanks. /", delay=40)
    expect(listbox(page).get_by_role("option")).to_have_count(2)

    box.press("Escape")  # closes, leaves the text, keeps the focus here
    expect(listbox(page)).to_be_hidden()
    expect(box).to_have_value("Thanks. /")
    expect(box).to_be_focused()
    expect(page.locator("[data-shortcut-search]")).not_to_be_focused()

    box.press_sequentially(" /exch", delay=40)
    option = listbox(page).get_by_role("option")
    expect(option).to_have_count(1)
    expect(option.locator(".replies-lang.is-chosen")).to_have_attribute("data-lang", "en")
    box.press("ArrowRight")  # the Serbian text instead of the default
    expect(option.locator(".replies-lang.is-chosen")).to_have_attribute("data-lang", "sr")
    box.press("Enter")
    expect(box).to_have_value("Thanks. / Здраво, Ivan, шаљемо нову величину.")
    assert ReplyUse.objects.get().language == "sr"


def test_the_button_opens_the_picker_and_a_click_inserts(ticket_page):
    page, ticket = ticket_page
    box = page.locator("textarea[name=body]")
    box.fill("First line")
    button = page.get_by_role("button", name="Canned replies")
    button.click()
    expect(listbox(page)).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(box).to_be_focused()
    expect(box).to_have_value("First line /")
    box.press("Escape")  # the button's slash is taken back
    expect(box).to_have_value("First line")
    expect(listbox(page)).to_be_hidden()

    button.click()
    listbox(page).get_by_role("option", name="Exchange").click()
    # Exchange has no Russian text: the reply's default language is used.
    expect(box).to_have_value("First line Hi Ivan, we are sending the new size.")
    assert not Message.objects.filter(ticket=ticket, author_user__isnull=False).exists()


def test_slash_outside_the_text_still_focuses_the_search(ticket_page):
    page, _ticket = ticket_page
    page.locator("main h1").first.click()
    page.keyboard.press("/")
    expect(page.locator("[data-shortcut-search]")).to_be_focused()
    expect(listbox(page)).to_be_hidden()


def test_the_editor_inserts_placeholders_and_previews_them(context, live_server, supervisor):
    make_reply(title="Refund issued", shortcut="refund", texts=REFUND)
    sign_in_with_cookie(context, live_server.url, supervisor)
    page = context.new_page()
    page.goto(f"{live_server.url}/replies/new/")
    page.get_by_label("Title").fill("Parcel found")
    page.get_by_label("Shared with every agent").check()
    page.get_by_label("English").fill("Hello")
    russian = page.get_by_label("Русский")
    russian.fill("Привет, ")
    page.get_by_role("button", name="Insert customer.first_name").click()
    expect(russian).to_have_value("Привет, {{ customer.first_name }}")
    expect(russian).to_be_focused()
    preview = page.locator("#reply-preview")
    expect(preview.locator("[data-preview-language=ru]")).to_contain_text("Привет, Maria")
    page.screenshot(path=str(SHOTS / "replies-editor.png"), full_page=True)

    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(f"{live_server.url}/replies/")
    expect(page.locator("[data-replies-section=shared]")).to_contain_text("Parcel found")
    page.screenshot(path=str(SHOTS / "replies-list.png"), full_page=True)
    reply = CannedReply.objects.get(title="Parcel found")
    assert reply.owner is None
    assert reply.variants.get(language="ru").body == "Привет, {{ customer.first_name }}"
