"""Live updates and collision detection in a real Chromium against a real ASGI server.

The project's ASGI application (HTTP and websockets) runs under uvicorn in a thread of
the test process (core/tests/servers.py): it shares the test database (SQLite's
in-memory one too) and, in the embedded mode, the in-memory layer. Changes are made
through the service verbs inside the server's own event loop (ThreadedAsgiServer.call),
as a request would: publishing after commit then reaches the sockets the way it does in
production.
"""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, expect

from rapport.core.effects import effects_suppressed
from rapport.core.tests.browsing import desktop_context, sign_in_with_cookie
from rapport.core.tests.servers import ThreadedAsgiServer, serving
from rapport.tickets import services
from rapport.tickets.models import Priority, Ticket
from rapport.tickets.services import Body
from rapport.tickets.tests.factories import make_ticket

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TIMEOUT_MS = 10_000


@pytest.fixture
def server(transactional_db) -> Iterator[ThreadedAsgiServer]:
    with serving() as running:
        yield running


def _signed_in(browser: Browser, server: ThreadedAsgiServer, user) -> BrowserContext:
    context = desktop_context(browser)
    sign_in_with_cookie(context, server.url, user)
    return context


def test_new_ticket_appears_in_the_open_inbox_and_counts_follow(browser, server, agent, team,
                                                                customer):
    context = _signed_in(browser, server, agent)
    try:
        page = context.new_page()
        page.goto(f"{server.url}/tickets/?view=my_teams")
        expect(page.locator("#inbox-list")).to_contain_text("No tickets here.")
        count = page.locator("#sidebar .nav-link.is-current .count")
        expect(count).to_have_text("0")
        expect(page.locator("html")).to_have_attribute("data-live", "connected")
        page.evaluate("() => { window.notReloaded = true; }")

        def create() -> Ticket:
            return services.create_ticket(
                actor=customer, requester=customer, subject="Parcel 7731 is missing",
                body=Body(text="Nothing arrived."), channel="email", team=team,
            )

        ticket = server.call(create)
        expect(page.get_by_role("link", name="Parcel 7731 is missing")).to_be_visible()
        expect(count).to_have_text("1")
        assert page.evaluate("() => window.notReloaded === true")
        assert page.url.endswith("/tickets/?view=my_teams")
        assert ticket.pk
    finally:
        context.close()


def test_two_agents_on_one_ticket_see_each_other_and_a_draft_survives_updates(
    browser, server, agent, supervisor, team, customer,
):
    with effects_suppressed():
        ticket = make_ticket(requester=customer, team=team, subject="Damaged lamp",
                             text="The lamp arrived broken.")
    anna_context = _signed_in(browser, server, agent)
    sofia_context = _signed_in(browser, server, supervisor)
    try:
        anna = anna_context.new_page()
        anna.goto(f"{server.url}/tickets/{ticket.pk}/")
        sofia = sofia_context.new_page()
        sofia.goto(f"{server.url}/tickets/{ticket.pk}/")

        anna_presence = anna.locator("[data-presence]")
        sofia_presence = sofia.locator("[data-presence]")
        expect(anna_presence).to_have_text(f"Also viewing: {supervisor}")
        expect(sofia_presence).to_have_text(f"Also viewing: {agent}")

        # Anna writes a reply; Sofia sees her typing.
        anna.locator("textarea[name=body]").fill("We will send a new lamp")
        expect(sofia_presence).to_contain_text(f"{agent} is typing a reply")

        # The ticket changes meanwhile: Anna's timeline follows, her draft stays.
        server.call(lambda: services.set_priority(
            Ticket.objects.get(pk=ticket.pk), actor=supervisor, priority=Priority.URGENT))
        expect(anna.locator("#timeline")).to_contain_text(
            "changed the priority from Normal to Urgent")
        expect(anna.locator("textarea[name=body]")).to_have_value("We will send a new lamp")
        expect(anna.locator("#prop-priority")).to_have_value(str(Priority.URGENT.value))

        # Sofia leaves: Anna is alone again.
        sofia.goto(f"{server.url}/tickets/")
        expect(anna_presence).to_be_hidden()
    finally:
        anna_context.close()
        sofia_context.close()
