"""The widget's attach button end to end, in a real Chromium against a real Rapport server,
with the shop, servers and browser of test_widget_browser."""

from __future__ import annotations

import re

import pytest

pytest.importorskip("rapport.channels.chat.models")

from playwright.sync_api import expect  # noqa: E402

from rapport.accounts.availability import mark_available  # noqa: E402
from rapport.channels.chat import uploads  # noqa: E402
from rapport.channels.chat.models import ChatConversation  # noqa: E402
from rapport.channels.chat.tests import test_widget_browser as widget  # noqa: E402
from rapport.tickets.models import Attachment  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The fixtures of the widget's browser tests, shared rather than copied.
visitor = widget.visitor
rapport_server = widget.rapport_server
rapport = widget.rapport
shop = widget.shop

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _choose(page, files):
    """The attach button, by keyboard, opens the file chooser; the visitor picks files."""
    dialog = page.get_by_role("dialog", name="Northwind Parcel")
    attach = dialog.get_by_role("button", name="Attach a file")
    expect(attach).to_be_visible()
    attach.focus()
    expect(attach).to_be_focused()
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Enter")
    chooser.value.set_files(files)


def _choose_again(page, files):
    """The same `change` as the chooser gives, without opening one more native dialog."""
    page.get_by_role("dialog", name="Northwind Parcel").locator("input[type=file]").set_input_files(
        files
    )


def test_visitor_attaches_a_file_with_a_caption_and_opens_it(
    visitor, rapport, shop, agent, settings, monkeypatch
):
    settings.RAPPORT_MAX_ATTACHMENT_BYTES = 2**20  # read by the config the widget loads
    monkeypatch.setattr(uploads, "UPLOADS_PER_WINDOW", 1)
    mark_available(agent.pk)
    page = visitor.new_page()
    # Chromium intercepts file choosers only once a listener exists, and the listener of
    # expect_file_chooser is registered without waiting: one from the start avoids a race.
    page.on("filechooser", lambda chooser: None)
    errors = widget._watch_console(page)
    log = widget._start_chat(page, shop)
    dialog = page.get_by_role("dialog", name="Northwind Parcel")
    composer = dialog.get_by_role("textbox", name="Message")

    composer.fill("The label is torn.")
    _choose(page, [{"name": "label.png", "mimeType": "image/png", "buffer": PNG}])
    link = log.locator(".msg.visitor a.file")
    expect(link).to_have_text("label.png (1 KB)")
    expect(log.locator(".msg.visitor").last).to_contain_text("The label is torn.")
    expect(composer).to_have_value("")  # the composer's text went out as the caption
    expect(dialog.locator(".notice")).to_have_text("")
    widget._shot(page, "chat-upload")

    href = link.get_attribute("href") or ""
    assert re.match(rf"^{re.escape(rapport)}/chat/sites/{shop.site.key}/files/[\w-]+\?token=",
                    href)
    opened = visitor.request.get(href)  # what following the link fetches
    assert opened.status == 200
    assert opened.body() == PNG
    conversation = ChatConversation.objects.get(site=shop.site)
    assert Attachment.objects.filter(message__ticket_id=conversation.ticket_id).count() == 1

    # Too large: refused in the widget, before a byte is sent, with the limit in words.
    _choose_again(page, [{"name": "scan.pdf", "mimeType": "application/pdf",
                    "buffer": b"%PDF" + b"x" * 2**20}])
    expect(dialog.locator(".notice")).to_have_text("The file is larger than 1 MB.")

    # Refused by the server (the visitor's upload limit): its words are shown.
    _choose_again(page, [{"name": "second.png", "mimeType": "image/png", "buffer": PNG}])
    expect(dialog.locator(".notice")).to_have_text("Please wait a moment before sending more.")
    expect(log.locator("a.file")).to_have_count(1)
    assert Attachment.objects.filter(message__ticket_id=conversation.ticket_id).count() == 1
    # The only error the page saw is the browser's own note of the refused request.
    assert [e for e in errors if "status of 429" not in e] == []
