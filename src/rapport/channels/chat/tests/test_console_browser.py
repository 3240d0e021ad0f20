"""The agent's chat console in a real Chromium: a visitor's chat shows up in the queue
live, the agent takes it (the visitor is told who joined), sees the visitor typing, and
hands the chat to a colleague with a note that the colleague reads first."""

from __future__ import annotations

import pytest

pytest.importorskip("rapport.channels.chat.models")

from playwright.sync_api import expect  # noqa: E402

from rapport.accounts.availability import mark_available  # noqa: E402
from rapport.accounts.tests.factories import UserFactory  # noqa: E402
from rapport.channels.chat.models import ChatConversation  # noqa: E402
from rapport.channels.chat.tests import test_widget_browser as widget  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

visitor = widget.visitor
agent_browser = widget.agent_browser
rapport_server = widget.rapport_server
rapport = widget.rapport
shop = widget.shop

NOTE = "Wants the parcel rerouted to the Riverside depot; address already checked."


def test_agent_takes_a_chat_from_the_console_and_transfers_it_warm(
    visitor, agent_browser, browser, rapport, shop, agent, team
):
    agent.first_name = "Anna"
    agent.save()
    colleague = UserFactory(username="olga", first_name="Olga", teams=[team])
    mark_available(agent.pk)
    console = widget._sign_in(agent_browser, rapport, agent)
    console.goto(f"{rapport}/chats/")
    queue = console.locator("#chat-console section").nth(1)
    expect(queue).to_contain_text("Nobody is waiting.")

    page = visitor.new_page()
    errors = widget._watch_console(page)
    dialog = widget._open_widget(page, shop)
    log = widget._fill_prechat_and_start(dialog)
    conversation = ChatConversation.objects.get(site=shop.site)

    row = queue.locator(f"[data-chat-row='{conversation.ticket_id}']")
    expect(row).to_be_visible()  # live: no reload of the console
    row.get_by_role("button", name="Take").click()
    expect(console).to_have_url(f"{rapport}/tickets/{conversation.ticket_id}/")
    panel = console.locator("#chat-panel")
    expect(panel).to_contain_text("Active.")
    expect(dialog.locator(".status")).to_contain_text("Anna joined the chat")

    dialog.get_by_role("textbox", name="Message").press_sequentially("Hello?", delay=30)
    expect(panel.locator("[data-chat-typing]")).to_be_visible()
    dialog.get_by_role("textbox", name="Message").press("Enter")
    expect(console.locator("#timeline")).to_contain_text("Hello?")

    panel.locator("summary", has_text="Transfer").click()
    panel.get_by_label("Transfer to").select_option(f"agent:{colleague.pk}")
    panel.get_by_label("Note for the next agent").fill(NOTE)
    panel.get_by_role("button", name="Transfer", exact=True).click()
    expect(console).to_have_url(f"{rapport}/chats/")
    expect(dialog.locator(".status")).to_contain_text("Olga")

    other = browser.new_context(locale="en-US")
    try:
        colleague_page = widget._sign_in(other, rapport, colleague)
        colleague_page.goto(f"{rapport}/tickets/{conversation.ticket_id}/")
        note = colleague_page.locator("[data-transfer-note]")
        expect(note).to_contain_text(NOTE)
        assert note.bounding_box()["y"] < colleague_page.locator("#timeline").bounding_box()["y"]
        expect(colleague_page.locator("#chat-panel")).to_contain_text("Active.")
    finally:
        other.close()
    expect(log).to_contain_text("Hello?")
    assert errors == []
