"""One small world for the permission suite, a client for each actor in it, and the checks.

Ticket T belongs to team Billing and customer C; it has a public agent reply with a file
and an internal note with a file; its assignee works outside Billing. Ticket U belongs
to Technical support and customer D. Every string that must not leak is unique, so an
answer "shows T" exactly when one of T's traces appears in it.
"""

import hashlib
from dataclasses import dataclass, field
from typing import Any

from django.http.response import HttpResponseBase
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rapport.accounts.models import Role, User
from rapport.accounts.tests.factories import TeamFactory, UserFactory
from rapport.api.models import ApiToken, Scope
from rapport.api.services import create_token
from rapport.assistant.tests import probes as assistant_probes
from rapport.channels.chat.models import ChatConversation, ChatSite, ChatVisitor
from rapport.channels.email.models import InboundEmail, OutboundEmail
from rapport.contacts.models import Customer
from rapport.contacts.tests.factories import CustomerFactory
from rapport.knowledge.tests import probes as knowledge_probes
from rapport.portal.tests.helpers import sign_in_as
from rapport.replies.tests import probes as reply_probes
from rapport.tickets import services
from rapport.tickets.attachments import IncomingFile
from rapport.tickets.models import Attachment, Ticket
from rapport.tickets.services import Body
from rapport.tickets.tests.factories import make_ticket

# The columns of every expectation table, in this order.
ACTORS = (
    "anonymous", "customer_c", "customer_d", "billing_agent", "tech_agent", "engineer",
    "assignee", "supervisor", "admin",
)
CUSTOMERS = ("customer_c", "customer_d")
# Who may open T and U in the agent UI and the API.
SEES_T = frozenset({"billing_agent", "assignee", "supervisor", "admin"})
SEES_U = frozenset({"tech_agent", "engineer", "supervisor", "admin"})

T_SUBJECT = "Invoice 4471 was charged twice"
T_TEXT = "My card was charged twice for invoice 4471."
T_REPLY = "We refunded the second charge of invoice 4471."
T_NOTE = "Risk team flagged card ending 0042 on invoice 4471."
U_SUBJECT = "Router firmware 7.2 bricked the device"
U_TEXT = "After updating to firmware 7.2 the router no longer boots."
T_TRACES = (T_SUBJECT, T_TEXT, T_REPLY, T_NOTE)
U_TRACES = (U_SUBJECT, U_TEXT)
NOTE_TRACES = (T_NOTE, "risk-4471.txt")

PNG = b"\x89PNG\r\n\x1a\n" + b"refund-receipt-4471" + b"\x00" * 16
NOTE_FILE = b"risk report 4471: card ending 0042, chargeback likely\n"
LITERAL_ARGS = frozenset({"prop", "token", "locale", "slug", "category_slug", "version_number"})


@dataclass
class World:
    t: Ticket
    u: Ticket
    reply_file: Attachment
    note_file: Attachment
    users: dict[str, User]
    customers: dict[str, Customer]
    _tokens: dict[str, tuple[ApiToken, str]] = field(default_factory=dict)

    def token(self, actor: str) -> tuple[ApiToken, str]:
        """The actor's API token with every scope, and its plaintext."""
        if actor not in self._tokens:
            self._tokens[actor] = create_token(
                self.users[actor], "permission matrix", list(Scope.values)
            )
        return self._tokens[actor]

    def ref(self, name: str) -> Any:
        """What a table row names in a URL: "T", "C", "note file", "billing token"…"""
        refs = {
            "T": lambda: self.t.pk, "U": lambda: self.u.pk,
            "C": lambda: self.t.requester_id, "D": lambda: self.u.requester_id,
            "reply file": lambda: self.reply_file.public_id,
            "note file": lambda: self.note_file.public_id,
            "billing token": lambda: self.token("billing_agent")[0].pk,
            "T mail": lambda: OutboundEmail.objects.get(ticket=self.t).pk,
            "T inbound mail": lambda: InboundEmail.objects.get(ticket=self.t).message_id,
            "chat site": lambda: ChatSite.objects.get_or_create(name="Shop")[0].key,
            "T offer": lambda: self.t_offer().pk,
            # replies
            "canned reply": lambda: reply_probes.probe_reply().pk,
            "billing agent's reply": lambda: reply_probes.probe_reply(
                self.users["billing_agent"]).pk,
            "reply folder": lambda: reply_probes.probe_folder().pk,
            # knowledge
            "KB article": lambda: knowledge_probes.probe_article(public=True).pk,
            "KB draft": lambda: knowledge_probes.probe_article(public=False).pk,
            "KB translation": lambda: knowledge_probes.probe_article(
                public=True).translations.get().pk,
            "KB draft translation": lambda: knowledge_probes.probe_article(
                public=False).translations.get().pk,
            # assistant
            "assistant rule": lambda: assistant_probes.probe_rule().pk,
        }
        return refs[name]()

    def t_offer(self) -> Any:
        """A chat offer of T, pending, to T's assignee."""
        from datetime import timedelta

        from django.utils import timezone

        from rapport.routing.models import ChatOffer, OfferState

        now = timezone.now()
        offer, _created = ChatOffer.objects.get_or_create(
            ticket=self.t, agent=self.users["assignee"], state=OfferState.PENDING,
            defaults={"offered_at": now, "expires_at": now + timedelta(minutes=5)},
        )
        return offer

    def url(self, url_name: str, kwargs: dict[str, str], query: str = "") -> str:
        """Values in LITERAL_ARGS go in as they are; every other value is a ref name."""
        path = reverse(url_name, kwargs={
            k: v if k in LITERAL_ARGS else self.ref(v) for k, v in kwargs.items()
        })
        return f"{path}?{query}" if query else path


def _received_by_email(ticket: Ticket) -> None:
    """T's first message came in by email: its raw mail is kept for the original view."""
    first = ticket.messages.order_by("seq").first()
    assert first is not None
    raw = (f"From: {ticket.requester.email}\r\nSubject: {T_SUBJECT}\r\n"
           f"Message-ID: <t-first@example.test>\r\n\r\n{T_TEXT}\r\n").encode()
    inbound = InboundEmail.objects.create(
        source="test", raw=raw, sha256=hashlib.sha256(raw).hexdigest(), size=len(raw),
        received_at=timezone.now(), status="processed", ticket=ticket, message=first,
    )
    first.channel_metadata = {"email": {"inbound_id": inbound.pk}}
    first.save(update_fields=["channel_metadata"])


def _chatted(ticket: Ticket) -> None:
    """T also has a live chat conversation, so the chat console's pages have a subject."""
    site = ChatSite.objects.get_or_create(name="Shop")[0]
    ChatConversation.objects.create(site=site, visitor=ChatVisitor.objects.create(site=site),
                                    ticket=ticket, started_at=ticket.created_at)


def build_world(
    *, billing: Any, technical: Any, billing_agent: User, tech_agent: User, engineer: User,
    supervisor: User, admin: User, customer_c: Customer,
) -> World:
    """Takes the shared conftest roles and adds what the matrix needs around them."""
    assignee = UserFactory(
        username="carl", role=Role.AGENT, teams=[TeamFactory(name="Returns")]
    )
    customer_d = CustomerFactory(name="Dana Novak", email="dana@example.test")
    t = make_ticket(
        requester=customer_c, team=billing, assignee=assignee, subject=T_SUBJECT, text=T_TEXT
    )
    reply = services.post_reply(t, actor=billing_agent, body=Body(
        text=T_REPLY, files=[IncomingFile("receipt-4471.png", PNG, "image/png")]))
    note = services.add_note(t, actor=billing_agent, body=Body(
        text=T_NOTE, files=[IncomingFile("risk-4471.txt", NOTE_FILE, "text/plain")]))
    u = make_ticket(requester=customer_d, team=technical, subject=U_SUBJECT, text=U_TEXT)
    _received_by_email(t)
    _chatted(t)
    OutboundEmail.objects.filter(ticket=t).update(status="failed", last_error="probe")
    t.refresh_from_db()
    return World(
        t=t, u=u, reply_file=reply.attachments.get(), note_file=note.attachments.get(),
        users={
            "billing_agent": billing_agent, "tech_agent": tech_agent, "engineer": engineer,
            "assignee": assignee, "supervisor": supervisor, "admin": admin,
        },
        customers={"customer_c": customer_c, "customer_d": customer_d},
    )


def surface(url_name: str) -> str:
    """agent (the agent UI), portal or api: who signs in there, and how."""
    return url_name.split(":")[0] if url_name.startswith(("api:", "portal:")) else "agent"


def client_for(url_name: str, world: World, actor: str) -> Client:
    """The actor's browser: an agent session, a portal session, or nobody. In the API
    agents send a token with every scope; customers can only bring their portal session."""
    if surface(url_name) == "api" and actor in world.users:
        return Client(headers={"Authorization": f"Bearer {world.token(actor)[1]}"})
    client = Client()
    if actor in world.users:
        client.force_login(world.users[actor])
    elif actor in world.customers:
        sign_in_as(client, world.customers[actor])
    return client


def codes(expect: str) -> dict[str, str]:
    """A table cell string such as "L L L S H H S S S", one code per actor."""
    values = expect.split()
    assert len(values) == len(ACTORS), expect
    return dict(zip(ACTORS, values, strict=True))


def body_of(response: Any) -> bytes:
    """The body of streams (file downloads, the CSV export) and plain responses alike.

    The test client closes a stream once it is read to the end; closing it again here
    would fire request_finished and drop the test's database connection mid-transaction.
    """
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def shows_any(content: bytes, traces: tuple[str, ...]) -> bool:
    text = content.decode("utf-8", errors="replace")
    return any(trace in text for trace in traces)


def hidden_traces(actor: str, url_name: str) -> tuple[str, ...]:
    """What this actor must never read, in any answer: tickets they may not open, and
    for customers the internal note."""
    hidden: tuple[str, ...] = ()
    if surface(url_name) == "portal":
        sees_t, sees_u = actor == "customer_c", actor == "customer_d"
        hidden = NOTE_TRACES
    else:
        sees_t, sees_u = actor in SEES_T, actor in SEES_U
    return hidden + (() if sees_t else T_TRACES) + (() if sees_u else U_TRACES)


def assert_must_authenticate(response: HttpResponseBase, url_name: str) -> None:
    where = surface(url_name)
    if where == "api":
        assert response.status_code == 401, response.status_code
    elif where == "portal":
        assert response.status_code == 302, response.status_code
        assert response["Location"] == reverse("portal:request_link")
    else:
        assert response.status_code == 302, response.status_code
        assert response["Location"].startswith(reverse("accounts:login") + "?next=")
