"""The chat widget end to end, in a real Chromium, against a real Rapport server.

A shop on another origin (a static http.server with a strict Content-Security-Policy,
serving the demo shop page) embeds widget.js from Rapport. Rapport itself runs under
uvicorn in a thread (HTTP and websockets through rapport.asgi), sharing the test
database and the in-memory channel layer with this process. The agent answers from the
agent UI in a second browser context.

The test needs the chat's server side: it turns itself on once rapport.channels.chat
can be imported.
"""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

pytest.importorskip("rapport.channels.chat.models")

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
from rapport.core.effects import effects_suppressed  # noqa: E402
from rapport.core.tests.browsing import launched_chromium  # noqa: E402
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


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with launched_chromium() as chromium:
        yield chromium


def _context(browser: Browser) -> BrowserContext:
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    return context


@pytest.fixture
def visitor(browser: Browser) -> Iterator[BrowserContext]:
    context = _context(browser)
    yield context
    context.close()


@pytest.fixture
def agent_browser(browser: Browser) -> Iterator[BrowserContext]:
    context = _context(browser)
    yield context
    context.close()


def _listening_socket(port: int = 0) -> socket.socket:
    """A bound socket handed to the server: no window in which a parallel test could take
    a port that was only probed. A restart rebinds the same port (the old one closed)."""
    deadline = time.monotonic() + 5
    while True:
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
            return sock
        except OSError:
            sock.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


class RapportServer:
    """Rapport over ASGI (HTTP and websockets) under uvicorn, in a thread of this process,
    so it shares the test database and the in-memory channel layer. It can be stopped
    and started again on the same port, as a deploy or a crash would."""

    def __init__(self) -> None:
        self._socket: socket.socket | None = _listening_socket()
        self.port = self._socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._server = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        import uvicorn

        from rapport.asgi import application

        sock = self._socket or _listening_socket(self.port)
        self._socket = None  # uvicorn closes it when it stops
        self._server = uvicorn.Server(uvicorn.Config(
            application, lifespan="off", log_level="warning",
        ))
        self._thread = threading.Thread(target=self._server.run, args=([sock],), daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                pytest.fail("uvicorn did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        assert self._server is not None
        assert self._thread is not None
        self._server.should_exit = True
        self._thread.join(timeout=10)


@pytest.fixture
def rapport_server(transactional_db) -> Iterator[RapportServer]:
    cache.clear()  # availability and rate limits live in the cache
    server = RapportServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def rapport(rapport_server: RapportServer) -> str:
    return rapport_server.url


class _ShopHandler(http.server.SimpleHTTPRequestHandler):
    """A customer's static website with a strict CSP of its own."""

    csp = ""

    def end_headers(self) -> None:
        self.send_header("Content-Security-Policy", self.csp)
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def shop(rapport: str, team, tmp_path: Path) -> Iterator[Shop]:
    """The demo shop page, on another origin than Rapport, embedding the widget."""
    websocket = rapport.replace("http://", "ws://")
    handler = type("ShopHandler", (_ShopHandler,), {"csp": "; ".join([
        "default-src 'self'", f"script-src 'self' {rapport}", "style-src 'self'",
        f"connect-src {rapport} {websocket}", "img-src 'self' data:", "object-src 'none'",
        "base-uri 'none'",
    ])})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(tmp_path))
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
    (tmp_path / "index.html").write_text(page, encoding="utf-8")
    (tmp_path / "static" / "chat").mkdir(parents=True)
    shutil.copy(STATIC / "demo_shop.css", tmp_path / "static" / "chat" / "demo_shop.css")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Shop(url=f"{origin}/index.html", site=site)
    server.shutdown()
    server.server_close()


def _watch_console(page: Page) -> list[str]:
    """Errors the page reports: CSP violations, failed requests, exceptions."""
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def _start_chat(page: Page, shop: Shop) -> Locator:
    """The visitor opens the widget, fills the pre-chat form; returns the panel's log."""
    page.goto(shop.url)
    page.get_by_role("button", name="Chat with us").click()
    dialog = page.get_by_role("dialog", name="Northwind Parcel")
    dialog.get_by_label("Your email").fill("marta@example.test")
    dialog.get_by_label("How can we help?").fill(QUESTION)
    dialog.get_by_role("button", name="Start the chat").click()
    log = dialog.get_by_role("log")
    expect(log.locator(".msg.visitor")).to_have_count(1)
    expect(log.locator(".pending")).to_have_count(0, timeout=TIMEOUT_MS)
    return log


def _shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def _sign_in(context: BrowserContext, rapport: str, agent) -> Page:
    page = context.new_page()
    page.goto(f"{rapport}/accounts/login/")
    page.get_by_label("Username").fill(agent.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/tickets/$"))
    return page


def test_visitor_chats_with_an_agent_and_keeps_the_conversation(
    visitor, agent_browser, rapport, shop, agent
):
    mark_available(agent.pk)
    page = visitor.new_page()
    errors = _watch_console(page)
    page.goto(shop.url)

    launcher = page.get_by_role("button", name="Chat with us")
    expect(launcher).to_have_attribute("aria-expanded", "false")
    launcher.click()
    dialog = page.get_by_role("dialog", name="Northwind Parcel")
    expect(dialog).to_be_visible()
    expect(launcher).to_have_attribute("aria-expanded", "true")
    expect(dialog.get_by_label("Your name")).to_be_focused()  # focus moved into the panel

    # Escape closes the panel and gives the focus back to the launcher.
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(launcher).to_be_focused()
    page.keyboard.press("Enter")
    expect(dialog).to_be_visible()

    dialog.get_by_label("Your name").fill("Marta Jovanović")
    dialog.get_by_label("Your email").fill("marta@example.test")
    dialog.get_by_label("How can we help?").fill(QUESTION)
    _shot(page, "chat-prechat")
    dialog.get_by_role("button", name="Start the chat").click()

    log = dialog.get_by_role("log")
    expect(log).to_contain_text(QUESTION)
    expect(log.locator(".pending")).to_have_count(0, timeout=TIMEOUT_MS)  # acknowledged
    composer = dialog.get_by_role("textbox", name="Message")
    expect(composer).to_be_focused()
    composer.fill(FOLLOW_UP)
    composer.press("Enter")
    expect(log.locator(".msg.visitor")).to_have_count(2)
    expect(log.locator(".pending")).to_have_count(0, timeout=TIMEOUT_MS)

    conversation = ChatConversation.objects.select_related("ticket").get(site=shop.site)
    assert conversation.ticket.requester.email == "marta@example.test"

    agent_page = _sign_in(agent_browser, rapport, agent)
    agent_page.goto(f"{rapport}/tickets/{conversation.ticket_id}/")
    expect(agent_page.locator("main")).to_contain_text(QUESTION)
    expect(agent_page.locator("main")).to_contain_text(FOLLOW_UP)
    agent_page.locator("textarea[name=body]").fill(ANSWER)
    agent_page.get_by_role("button", name="Send reply", exact=True).click()

    expect(log).to_contain_text(ANSWER, timeout=TIMEOUT_MS)
    agent_name = agent.first_name or agent.username
    expect(log.locator(".msg.agent .who")).to_have_text([agent_name])
    _shot(page, "chat-conversation")

    # A reload keeps the whole conversation, in order, and the panel stays open.
    page.reload()
    dialog = page.get_by_role("dialog", name="Northwind Parcel")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("log").locator(".msg p")).to_have_text(
        [QUESTION, FOLLOW_UP, ANSWER], timeout=TIMEOUT_MS
    )
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
