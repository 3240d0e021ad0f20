"""The chat widget end to end, in a real Chromium, against real Rapport servers.

A shop on another origin (a static http.server with a strict Content-Security-Policy,
serving the demo shop page) embeds widget.js from Rapport. The agent answers from the
agent UI in a second browser context.

* One node (every run): Rapport runs under uvicorn in a thread (core/tests/servers.py,
  HTTP and websockets through rapport.asgi), sharing the test database and, on SQLite,
  the in-memory channel layer with this process.
* Two nodes (the PostgreSQL + Redis run): two server processes (nodes.py); the shop
  embeds the widget from node A, the agent works on node B. Both journeys are made of the
  same steps.

The test needs the chat's server side: it turns itself on once rapport.channels.chat
can be imported.
"""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

pytest.importorskip("rapport.channels.chat.models")

from django.contrib.auth.hashers import Argon2PasswordHasher  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from playwright.sync_api import (  # noqa: E402
    Browser,
    BrowserContext,
    ConsoleMessage,
    Locator,
    Page,
    expect,
)

from rapport.accounts.availability import mark_available  # noqa: E402
from rapport.channels.chat.models import ChatConversation, ChatSite  # noqa: E402
from rapport.channels.chat.tests.nodes import Node, running_nodes, two_nodes_only  # noqa: E402
from rapport.core.effects import effects_suppressed  # noqa: E402
from rapport.core.tests.browsing import desktop_context  # noqa: E402
from rapport.core.tests.servers import ThreadedAsgiServer, serving  # noqa: E402
from rapport.tickets import services  # noqa: E402
from rapport.tickets.models import Message, Ticket  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/rapport-shots")
STATIC = Path(__file__).resolve().parent.parent / "static" / "chat"
PASSWORD = "correct horse battery staple"  # UserFactory's
TIMEOUT_MS = 10_000
QUESTION = "My parcel NW 4821 7730 19 is late."
FOLLOW_UP = "It was due yesterday."
ANSWER = "Hi Marta, it is out for delivery and arrives before 18:00."


@dataclass
class Shop:
    url: str
    site: ChatSite


@pytest.fixture
def visitor(browser: Browser) -> Iterator[BrowserContext]:
    context = desktop_context(browser)
    yield context
    context.close()


@pytest.fixture
def agent_browser(browser: Browser) -> Iterator[BrowserContext]:
    context = desktop_context(browser)
    yield context
    context.close()


@pytest.fixture
def rapport_server(transactional_db) -> Iterator[ThreadedAsgiServer]:
    cache.clear()  # availability and rate limits live in the cache
    with serving() as server:
        yield server


@pytest.fixture
def rapport(rapport_server: ThreadedAsgiServer) -> str:
    return rapport_server.url


@pytest.fixture
def nodes(transactional_db, tmp_path: Path) -> Iterator[list[Node]]:
    with running_nodes(tmp_path / "nodes") as running:
        yield running


class _ShopHandler(http.server.SimpleHTTPRequestHandler):
    """A customer's static website with a strict CSP of its own."""

    csp = ""

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", self.csp)
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def _serving_shop(rapport: str, team, directory: Path) -> Iterator[Shop]:
    """The demo shop page, on another origin than Rapport, embedding the widget from
    the Rapport at that address."""
    websocket = rapport.replace("http://", "ws://")
    handler = type("ShopHandler", (_ShopHandler,), {"csp": "; ".join([
        "default-src 'self'", f"script-src 'self' {rapport}", "style-src 'self'",
        f"connect-src {rapport} {websocket}", "img-src 'self' data:", "object-src 'none'",
        "base-uri 'none'",
    ])})
    (directory / "static" / "chat").mkdir(parents=True)
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(directory))
    )
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    site = ChatSite.objects.create(
        name="Northwind Parcel", allowed_origins=[origin], team=team,
        greeting="Questions about a parcel? Ask us.",
        prechat={"name": "optional", "email": "required", "question": "required"},
    )
    page = render_to_string("chat/demo_shop.html", {
        "widget_url": f"{rapport}/static/chat/widget.js", "site_key": site.key,
    })
    (directory / "index.html").write_text(page, encoding="utf-8")
    shutil.copy(STATIC / "demo_shop.css", directory / "static" / "chat" / "demo_shop.css")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Shop(url=f"{origin}/index.html", site=site)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def shop(rapport: str, team, tmp_path: Path) -> Iterator[Shop]:
    with _serving_shop(rapport, team, tmp_path / "shop") as serving_shop:
        yield serving_shop


def _watch_console(page: Page) -> list[str]:
    """Errors the page reports: CSP violations, failed requests, exceptions."""
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


# --- The journey's steps, shared by the one-node and the two-node journeys -------------
def _open_widget(page: Page, shop: Shop) -> Locator:
    """The visitor opens the chat panel on the shop's page; returns the panel."""
    page.goto(shop.url)
    page.get_by_role("button", name="Chat with us").click()
    return page.get_by_role("dialog", name="Northwind Parcel")


def _open_widget_by_keyboard(page: Page, shop: Shop) -> Locator:
    """The launcher opens the panel and moves the focus into it; Escape closes it and
    gives the focus back; Enter opens it again. Returns the panel."""
    page.goto(shop.url)
    launcher = page.get_by_role("button", name="Chat with us")
    expect(launcher).to_have_attribute("aria-expanded", "false")
    launcher.click()
    dialog = page.get_by_role("dialog", name="Northwind Parcel")
    expect(dialog).to_be_visible()
    expect(launcher).to_have_attribute("aria-expanded", "true")
    expect(dialog.get_by_label("Your name")).to_be_focused()  # focus moved into the panel

    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(launcher).to_be_focused()
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()
    return dialog


def _fill_prechat_and_start(
    dialog: Locator, *, name: str = "", question: str = QUESTION, shot: str = ""
) -> Locator:
    """The pre-chat form is filled and sent; the question is in the conversation and
    acknowledged by the server. Returns the conversation's log."""
    if name:
        dialog.get_by_label("Your name").fill(name)
    dialog.get_by_label("Your email").fill("marta@example.test")
    dialog.get_by_label("How can we help?").fill(question)
    if shot:
        _shot(dialog.page, shot)
    dialog.get_by_role("button", name="Start the chat").click()
    log = dialog.get_by_role("log")
    expect(log.locator(".msg.visitor")).to_have_count(1)
    expect(log).to_contain_text(question)
    expect(log.locator(".pending")).to_have_count(0, timeout=TIMEOUT_MS)  # acknowledged
    return log


def _start_chat(page: Page, shop: Shop) -> Locator:
    """The visitor opens the widget, fills the pre-chat form; returns the panel's log."""
    return _fill_prechat_and_start(_open_widget(page, shop))


def _send(dialog: Locator, text: str) -> None:
    """The visitor writes in the composer (focused after the start) and presses Enter;
    the server acknowledges the message."""
    log = dialog.get_by_role("log")
    sent = log.locator(".msg.visitor").count()
    composer = dialog.get_by_role("textbox", name="Message")
    expect(composer).to_be_focused()
    composer.fill(text)
    composer.press("Enter")
    expect(log.locator(".msg.visitor")).to_have_count(sent + 1)
    expect(log.locator(".pending")).to_have_count(0, timeout=TIMEOUT_MS)


def _sign_in(context: BrowserContext, rapport: str, agent) -> Page:
    """The agent signs in through the sign-in form; lands on the inbox."""
    page = context.new_page()
    page.goto(f"{rapport}/accounts/login/")
    page.get_by_label("Username").fill(agent.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/tickets/$"))
    return page


def _reply(agent_page: Page, text: str) -> None:
    """The agent answers from the ticket page's composer."""
    agent_page.locator("textarea[name=body]").fill(text)
    agent_page.get_by_role("button", name="Send reply", exact=True).click()


def _expect_answer(log: Locator, agent, text: str = ANSWER) -> None:
    """The agent's answer reaches the open widget live, signed with the agent's name."""
    expect(log).to_contain_text(text, timeout=TIMEOUT_MS)
    agent_name = agent.first_name or agent.username
    expect(log.locator(".msg.agent .who")).to_have_text([agent_name])


def _expect_conversation_after_reload(page: Page, texts: list[str]) -> None:
    """A reload keeps the whole conversation, in order, and the panel stays open."""
    page.reload()
    dialog = page.get_by_role("dialog", name="Northwind Parcel")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("log").locator(".msg p")).to_have_text(texts, timeout=TIMEOUT_MS)


def test_visitor_chats_with_an_agent_and_keeps_the_conversation(
    visitor, agent_browser, rapport, shop, agent
):
    mark_available(agent.pk)
    page = visitor.new_page()
    errors = _watch_console(page)
    dialog = _open_widget_by_keyboard(page, shop)
    log = _fill_prechat_and_start(dialog, name="Marta Jovanović", shot="chat-prechat")
    _send(dialog, FOLLOW_UP)

    conversation = ChatConversation.objects.select_related("ticket").get(site=shop.site)
    assert conversation.ticket.requester.email == "marta@example.test"

    agent_page = _sign_in(agent_browser, rapport, agent)
    agent_page.goto(f"{rapport}/tickets/{conversation.ticket_id}/")
    expect(agent_page.locator("main")).to_contain_text(QUESTION)
    expect(agent_page.locator("main")).to_contain_text(FOLLOW_UP)
    _reply(agent_page, ANSWER)

    _expect_answer(log, agent)
    _shot(page, "chat-conversation")
    _expect_conversation_after_reload(page, [QUESTION, FOLLOW_UP, ANSWER])
    assert errors == []


@two_nodes_only
def test_visitor_on_node_a_and_agent_on_node_b_chat_in_real_browsers(
    nodes, visitor, agent_browser, team, agent, tmp_path
):
    """The journey above across two server processes: the widget and the visitor's
    websocket on node A, the agent's pages and websocket on node B. Everything one node
    says to the other goes through Redis (events) and PostgreSQL (data)."""
    node_a, node_b = nodes
    # The nodes run the production settings: a hash they can check (the tests' is MD5).
    hasher = Argon2PasswordHasher()
    agent.password = hasher.encode(PASSWORD, hasher.salt())
    agent.save(update_fields=["password"])

    with _serving_shop(node_a.url, team, tmp_path / "shop") as shop:
        # The agent is at their desk on node B: their open page makes the widget online.
        agent_page = _sign_in(agent_browser, node_b.url, agent)
        agent_page.goto(f"{node_b.url}/tickets/?view=my_teams")
        expect(agent_page.locator("html")).to_have_attribute("data-live", "connected")
        expect(agent_page.locator("#inbox-list")).to_contain_text("No tickets here.")

        page = visitor.new_page()
        errors = _watch_console(page)
        dialog = _open_widget_by_keyboard(page, shop)
        log = _fill_prechat_and_start(dialog, name="Marta Jovanović")
        conversation = ChatConversation.objects.get(site=shop.site)
        ticket_url = f"{node_b.url}/tickets/{conversation.ticket_id}/"

        # The chat started on node A appears in the agent's inbox on node B, live.
        agent_page.evaluate("() => { window.notReloaded = true; }")
        row = agent_page.locator(f'#inbox-list a[href="/tickets/{conversation.ticket_id}/"]')
        expect(row).to_be_visible()
        assert agent_page.evaluate("() => window.notReloaded === true")
        row.click()
        expect(agent_page).to_have_url(ticket_url)
        timeline = agent_page.locator("#timeline")
        expect(timeline).to_contain_text(QUESTION)
        expect(agent_page.locator("html")).to_have_attribute("data-live", "connected")

        # The visitor's next message reaches the agent's open ticket page, live.
        agent_page.evaluate("() => { window.notReloaded = true; }")
        _send(dialog, FOLLOW_UP)
        expect(timeline).to_contain_text(FOLLOW_UP)
        assert agent_page.evaluate("() => window.notReloaded === true")

        # The agent's answer, sent on node B, reaches the visitor's widget on node A.
        _reply(agent_page, ANSWER)
        _expect_answer(log, agent)
        _expect_conversation_after_reload(page, [QUESTION, FOLLOW_UP, ANSWER])

        # The whole conversation is in the ticket's timeline, as node B shows it.
        agent_page.goto(ticket_url)
        expect(agent_page.locator("#timeline .message .message-body")).to_have_text(
            [QUESTION, FOLLOW_UP, ANSWER]
        )
        stored = Message.objects.filter(ticket_id=conversation.ticket_id).order_by("pk")
        assert [m.body_text for m in stored] == [QUESTION, FOLLOW_UP, ANSWER]
        assert errors == []


def test_visitor_leaves_a_message_when_nobody_is_available(visitor, rapport, shop):
    page = visitor.new_page()
    errors = _watch_console(page)
    page.goto(shop.url)
    page.get_by_role("button", name="Chat with us").click()
    dialog = page.get_by_role("dialog", name="Northwind Parcel")
    expect(dialog).to_contain_text("Nobody is available right now")

    dialog.get_by_role("textbox", name="Your name").fill("Ivan Petrov")
    dialog.get_by_role("textbox", name="Your email").fill("ivan@example.test")
    dialog.get_by_role("textbox", name="Message").fill("Please call me about parcel NW 1111.")
    dialog.get_by_role("button", name="Send message").click()

    expect(dialog.get_by_role("status").first).to_contain_text("Thank you", timeout=TIMEOUT_MS)
    ticket = Ticket.objects.get(requester__email="ivan@example.test")
    expect(dialog).to_contain_text(f"#{ticket.pk}")
    _shot(page, "chat-offline-sent")
    assert errors == []


def test_visitor_is_offered_help_center_articles_while_writing(visitor, rapport, shop, settings):
    from rapport.knowledge.models import Audience
    from rapport.knowledge.tests.factories import ensure_locales, make_article
    from rapport.search.models import Deflection

    settings.SITE_URL = rapport  # the address the suggestions link to
    ensure_locales()
    make_article("How to request a refund", "Open your order and choose *Request a refund*.")
    make_article("Refund approvals", "Supervisors approve refunds over 100 EUR.",
                 audience=Audience.INTERNAL)
    page = visitor.new_page()
    errors = _watch_console(page)
    page.goto(shop.url)
    page.get_by_role("button", name="Chat with us").click()
    dialog = page.get_by_role("dialog", name="Northwind Parcel")
    dialog.get_by_role("textbox", name="Message").press_sequentially("I want a refund", delay=20)

    offered = dialog.locator(".articles")
    expect(offered).to_contain_text("These articles may help:")
    expect(offered.get_by_role("link")).to_have_text(["How to request a refund"])  # no SOP
    with page.context.expect_page() as opened:
        offered.get_by_role("link", name="How to request a refund").click()
    article = opened.value
    expect(article.get_by_role("heading", level=1)).to_have_text("How to request a refund")
    deflection = Deflection.objects.get()
    assert (deflection.source, deflection.query) == ("widget", "I want a refund")

    dialog.get_by_role("textbox", name="Message").fill("ok")  # too short to look up
    expect(offered).to_be_hidden()
    assert errors == []


def test_a_message_sent_while_rapport_is_down_arrives_once_after_it_returns(
    visitor, rapport_server, shop, agent
):
    mark_available(agent.pk)
    page = visitor.new_page()
    log = _start_chat(page, shop)
    dialog = page.get_by_role("dialog", name="Northwind Parcel")

    rapport_server.stop()
    expect(dialog.get_by_role("status").first).to_have_text("Reconnecting…")
    # The agent answers meanwhile, unseen by the widget (no realtime event is sent)…
    conversation = ChatConversation.objects.select_related("ticket").get(site=shop.site)
    with effects_suppressed():
        services.post_reply(conversation.ticket, actor=agent, body=services.Body(text=ANSWER))
    # …and the visitor writes while the server is away.
    composer = dialog.get_by_role("textbox", name="Message")
    composer.fill(FOLLOW_UP)
    composer.press("Enter")
    expect(log.locator(".pending")).to_have_count(1)
    expect(log.locator(".pending")).to_contain_text("Sending…")

    rapport_server.start()
    # The widget comes back by itself (backoff), fetches what it missed after its last
    # seq, and resends the unacknowledged message under the same client_id.
    expect(log.locator(".pending")).to_have_count(0, timeout=15_000)
    expect(log.locator(".msg p")).to_have_text([QUESTION, ANSWER, FOLLOW_UP])
    stored = Message.objects.filter(ticket=conversation.ticket, body_text=FOLLOW_UP)
    assert stored.count() == 1


def test_visitor_ends_the_chat_and_rates_it_by_keyboard(visitor, rapport, shop, agent):
    mark_available(agent.pk)
    page = visitor.new_page()
    _start_chat(page, shop)
    dialog = page.get_by_role("dialog", name="Northwind Parcel")
    dialog.get_by_role("button", name="End the chat").click()

    rating = dialog.get_by_role("group", name="How was this chat?")
    expect(rating).to_be_visible()
    expect(rating.get_by_role("radio", name="1 of 5")).to_be_focused()
    page.keyboard.press("Space")
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    expect(rating.get_by_role("radio", name="4 of 5")).to_be_checked()
    dialog.get_by_label("Anything to add?").fill("Quick and kind.")
    dialog.get_by_role("button", name="Send rating").click()
    expect(dialog).to_contain_text("Thank you!")
    _shot(page, "chat-rated")

    conversation = ChatConversation.objects.get(site=shop.site)
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while conversation.rating is None and time.monotonic() < deadline:
        time.sleep(0.1)
        conversation.refresh_from_db()
    assert (conversation.status, conversation.rating, conversation.rating_comment) == (
        "ended", 4, "Quick and kind."
    )

    # A new chat is a new conversation (and ticket), not a message into the ended one.
    dialog.get_by_role("button", name="Start a new chat").click()
    expect(dialog.get_by_label("Your name")).to_be_focused()
    dialog.get_by_label("Your email").fill("marta@example.test")
    dialog.get_by_label("How can we help?").fill("One more question.")
    dialog.get_by_role("button", name="Start the chat").click()
    log = dialog.get_by_role("log")
    expect(log.locator(".msg p")).to_have_text(["One more question."])
    expect(log.locator(".pending")).to_have_count(0, timeout=TIMEOUT_MS)
    assert ChatConversation.objects.filter(site=shop.site).count() == 2
