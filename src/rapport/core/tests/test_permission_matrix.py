"""Who may read and change what, for every endpoint and every role (NetBox ViewTestCases).

Each table row is one endpoint; each column one actor of the world in permission_world.
A new row runs for every role; a new URL without a row fails
test_every_url_is_in_a_table, so no endpoint can skip the matrix.

Outcome codes, one per actor in ACTORS order:
  S  200, and the answer shows the row's subject (T's or U's text, or the file's bytes)
  O  200, and no trace of the subject in the answer
  H  404: hidden, answered exactly as if it did not exist
  F  403: a signed-in agent without the role for this page
  L  must authenticate: 302 to the agent sign-in (agent UI), to the portal's sign-in
     link page (portal), or 401 (API)
  D  (writes) done: the change was made, with a 2xx or 3xx answer
  B  (writes) 400 and nothing changed, e.g. a merge target the agent may not see
  R  (writes) 302 back and nothing changed: bulk actions skip tickets the agent may not see
Whatever the outcome, no answer may show a ticket the actor may not open (hidden_traces).
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from rapport.api.models import ApiToken
from rapport.assistant.tests import probes as assistant_probes
from rapport.contacts.models import Customer
from rapport.core.tests.permission_world import (
    ACTORS,
    CUSTOMERS,
    NOTE_FILE,
    NOTE_TRACES,
    PNG,
    T_REPLY,
    T_TRACES,
    U_TRACES,
    World,
    assert_must_authenticate,
    body_of,
    build_world,
    client_for,
    codes,
    hidden_traces,
    shows_any,
    surface,
)
from rapport.knowledge.tests import probes as knowledge_probes
from rapport.replies.tests import probes as reply_probes
from rapport.tickets.models import Ticket

pytestmark = pytest.mark.django_db

# Columns (ACTORS): anonymous, customer C, customer D, agent in Billing, agent in Technical
# support, engineer (Technical support), T's assignee (outside Billing), supervisor, admin.
AGENTS_ONLY = "L  L  L  O  O  O  O  O  O"
SEES_T_ROW = "L  L  L  S  H  H  S  S  S"
SEES_U_ROW = "L  L  L  H  S  S  H  S  S"
LISTS_T = "L  L  L  S  O  O  S  S  S"
CHANGES_T = "L  L  L  D  H  H  D  D  D"


@pytest.fixture
def world(team, other_team, agent, other_agent, engineer, supervisor, admin_user, customer):
    return build_world(
        billing=team, technical=other_team, billing_agent=agent, tech_agent=other_agent,
        engineer=engineer, supervisor=supervisor, admin=admin_user, customer_c=customer,
    )


# --- Reads: every list, detail and download -------------------------------------------

SHOWS: dict[str, Callable[[bytes], bool]] = {
    "T": lambda body: shows_any(body, T_TRACES),
    "U": lambda body: shows_any(body, U_TRACES),
    "reply file": lambda body: body == PNG,
    "note file": lambda body: body == NOTE_FILE,
    # A search hit: highlighting splits T's texts, so look for the marked number instead.
    "T hit": lambda body: b"<mark>4471</mark>" in body,
}


@dataclass(frozen=True)
class Read:
    url_name: str
    expect: str
    kwargs: dict[str, str] = field(default_factory=dict)  # URL argument -> World.ref name
    query: str = ""
    about: str = "T"  # what S requires and every other outcome rules out (a SHOWS key)

    @property
    def id(self) -> str:
        args = ",".join(self.kwargs.values())
        return f"{self.url_name}[{args}]" if args else self.url_name


KB_PROBE = {"article_id": "KB article", "locale": "en"}  # knowledge: the public probe
READS = [
    # The agent UI.
    Read("tickets:inbox", LISTS_T, query="view=all"),
    Read("tickets:detail", SEES_T_ROW, {"pk": "T"}),
    Read("tickets:detail", SEES_U_ROW, {"pk": "U"}, about="U"),
    Read("tickets:attachment", SEES_T_ROW, {"public_id": "reply file"}, about="reply file"),
    Read("tickets:attachment", SEES_T_ROW, {"public_id": "note file"}, about="note file"),
    Read("tickets:export", "L  L  L  F  F  F  F  S  S", query="view=all"),
    Read("tickets:live_timeline", SEES_T_ROW, {"pk": "T"}, query="properties=1"),
    Read("tickets:live_timeline", SEES_U_ROW, {"pk": "U"}, about="U"),
    Read("tickets:live_nav", AGENTS_ONLY, query="view=all"),
    Read("email_channel:original", SEES_T_ROW, {"message_pk": "T inbound mail"}),
    Read("email_channel:raw", SEES_T_ROW, {"message_pk": "T inbound mail"}),
    Read("contacts:list", AGENTS_ONLY),
    Read("contacts:detail", LISTS_T, {"pk": "C"}),
    Read("accounts:preferences", AGENTS_ONLY),
    # The chat console: T is a live chat of T's assignee (nobody else's "my chats").
    Read("chat_console:console", "L  L  L  O  O  O  S  O  O"),
    Read("chat_console:lists", "L  L  L  O  O  O  S  O  O"),
    Read("chat_console:panel", "L  L  L  O  H  H  O  O  O", {"ticket_id": "T"}),
    # The SLA panel of a ticket page (its live refresh): targets, never the ticket's text.
    Read("sla:ticket_panel", "L  L  L  O  H  H  O  O  O", {"pk": "T"}),
    # Routing: the supervisors' page of ownership alarms and escalations.
    Read("routing:attention", "L  L  L  F  F  F  F  O  O"),
    Read("webhooks:test_receiver_events", "L  L  L  F  F  F  F  F  O"),
    # replies: the "/" picker's list needs the ticket; another agent's personal reply is
    # hidden, a shared one is managed by supervisors and admins only.
    Read("replies:suggest", "L  L  L  O  H  H  O  O  O", {"ticket_id": "T"}),
    Read("replies:suggest", "L  L  L  H  O  O  H  O  O", {"ticket_id": "U"}, about="U"),
    Read("replies:list", AGENTS_ONLY),
    Read("replies:create", AGENTS_ONLY),
    Read("replies:edit", "L  L  L  F  F  F  F  O  O", {"reply_id": "canned reply"}),
    Read("replies:edit", "L  L  L  O  H  H  H  H  H", {"reply_id": "billing agent's reply"}),
    Read("replies:folder_create", AGENTS_ONLY),
    Read("replies:folder_edit", "L  L  L  F  F  F  F  O  O", {"folder_id": "reply folder"}),
    # knowledge: every agent reads published articles; drafts and the editor's pages are
    # for supervisors and admins. No knowledge page shows anything of a ticket.
    Read("knowledge:home", AGENTS_ONLY),
    Read("knowledge:needs_review", AGENTS_ONLY),
    Read("knowledge:article", AGENTS_ONLY, {"article_id": "KB article"}),
    Read("knowledge:translation", AGENTS_ONLY, KB_PROBE),
    Read("knowledge:translation", "L  L  L  H  H  H  H  O  O",
         {"article_id": "KB draft", "locale": "en"}),
    Read("knowledge:history", AGENTS_ONLY, KB_PROBE),
    Read("knowledge:version", AGENTS_ONLY, {**KB_PROBE, "version_number": "1"}),
    Read("knowledge:create", "L  L  L  F  F  F  F  O  O"),
    Read("knowledge:edit", "L  L  L  F  F  F  F  O  O", KB_PROBE),
    Read("knowledge:delete", "L  L  L  F  F  F  F  O  O", {"article_id": "KB article"}),
    # The customer portal: agents are nobody there, whatever their role.
    Read("portal:tickets", "L  S  O  L  L  L  L  L  L"),
    Read("portal:ticket", "L  S  H  L  L  L  L  L  L", {"number": "T"}),
    Read("portal:ticket", "L  H  S  L  L  L  L  L  L", {"number": "U"}, about="U"),
    Read("portal:attachment", "L  S  H  L  L  L  L  L  L", {"public_id": "reply file"},
         about="reply file"),
    Read("portal:attachment", "L  H  H  L  L  L  L  L  L", {"public_id": "note file"},
         about="note file"),
    # The API.
    Read("api:list_tickets", LISTS_T),
    Read("api:get_ticket", SEES_T_ROW, {"ticket_id": "T"}),
    Read("api:get_ticket", SEES_U_ROW, {"ticket_id": "U"}, about="U"),
    Read("api:get_timeline", SEES_T_ROW, {"ticket_id": "T"}),
    Read("api:list_customers", AGENTS_ONLY),
    Read("api:get_customer", AGENTS_ONLY, {"customer_id": "C"}),
    Read("api:customer_tickets", LISTS_T, {"customer_id": "C"}),
    Read("api:list_tags", AGENTS_ONLY),
    Read("api:list_users", AGENTS_ONLY),
    Read("api:me", AGENTS_ONLY),
    Read("api:list_teams", AGENTS_ONLY),
    # search: a hit only for who may open the ticket (4471 is in T's subject, text, note)
    Read("search:results", LISTS_T, query="q=4471", about="T hit"),
    Read("search:quick", LISTS_T, query="q=4471", about="T hit"),
    Read("api:search_everything", LISTS_T, query="q=4471", about="T hit"),
    # The ticket page's article panel: articles only, for who may open the ticket.
    Read("search:ticket_articles", "L  L  L  O  H  H  O  O  O", {"pk": "T"}),
    Read("search:article_insert", AGENTS_ONLY, {"translation_id": "KB translation"}),
    Read("search:article_insert", "L  L  L  H  H  H  H  O  O",
         {"translation_id": "KB draft translation"}),
    Read("search:report", "L  L  L  F  F  F  F  O  O"),
    # assistant: the composer's check (GET: the customer's mood for an empty draft) needs
    # the ticket and shows none of its text; rules and report are for supervisors, admins.
    Read("assistant:check", "L  L  L  O  H  H  O  O  O", {"pk": "T"}),
    Read("assistant:check", "L  L  L  H  O  O  H  O  O", {"pk": "U"}, about="U"),
    Read("assistant:rules", "L  L  L  F  F  F  F  O  O"),
    Read("assistant:rule_create", "L  L  L  F  F  F  F  O  O"),
    Read("assistant:rule_edit", "L  L  L  F  F  F  F  O  O", {"rule_id": "assistant rule"}),
    Read("assistant:report", "L  L  L  F  F  F  F  O  O"),
]
REFUSED_STATUS = {"H": 404, "F": 403, "B": 400, "R": 302}


@pytest.mark.parametrize(
    ("row", "actor"),
    [pytest.param(row, actor, id=f"{row.id}-{actor}") for row in READS for actor in ACTORS],
)
def test_read_answers_each_actor_as_the_table_says(world, row, actor):
    expected = codes(row.expect)[actor]
    client = client_for(row.url_name, world, actor)
    response = client.get(world.url(row.url_name, row.kwargs, row.query))
    body = body_of(response)
    if expected == "L":
        assert_must_authenticate(response, row.url_name)
    elif expected in ("S", "O"):
        assert response.status_code == 200
    else:
        assert response.status_code == REFUSED_STATUS[expected]
    shown = SHOWS[row.about](body)
    assert shown == (expected == "S"), f"{row.about} {'missing' if expected == 'S' else 'leaked'}"
    assert not shows_any(body, hidden_traces(actor, row.url_name))


# --- What customers and other teams never see ------------------------------------------

def test_customer_sees_the_reply_and_its_file_but_never_the_note(world):
    client = client_for("portal:ticket", world, "customer_c")
    html = body_of(client.get(reverse("portal:ticket", args=[world.t.pk]))).decode()
    assert T_REPLY in html
    assert world.reply_file.filename in html
    assert reverse("portal:attachment", args=[world.reply_file.public_id]) in html
    assert not shows_any(html.encode(), NOTE_TRACES)
    assert world.note_file.public_id not in html
    note_url = reverse("portal:attachment", args=[world.note_file.public_id])
    assert client.get(note_url).status_code == 404


# Every list that holds tickets, and each way of asking it for U.
TICKET_LISTS = [
    pytest.param("tickets:inbox", {}, "view=all", id="inbox[all]"),
    pytest.param("tickets:inbox", {}, "view=unassigned", id="inbox[unassigned]"),
    pytest.param("tickets:inbox", {}, "view=my_teams", id="inbox[my_teams]"),
    pytest.param("tickets:inbox", {}, "view=all&q={u}", id="inbox[search U's number]"),
    pytest.param("contacts:detail", {"pk": "D"}, "", id="contacts:detail[D]"),
    pytest.param("api:list_tickets", {}, "", id="api:list_tickets"),
    pytest.param("api:list_tickets", {}, "q={u}", id="api:list_tickets[search U's number]"),
    pytest.param("api:customer_tickets", {"customer_id": "D"}, "", id="api:customer_tickets[D]"),
]


@pytest.mark.parametrize("actor", ["billing_agent", "assignee"])
@pytest.mark.parametrize(("url_name", "kwargs", "query"), TICKET_LISTS)
def test_lists_never_include_a_ticket_of_another_team(world, url_name, kwargs, query, actor):
    url = world.url(url_name, kwargs, query.format(u=world.u.pk))
    response = client_for(url_name, world, actor).get(url)
    body = body_of(response)
    assert response.status_code == 200
    assert not shows_any(body, U_TRACES)
    assert f"/tickets/{world.u.pk}/" not in body.decode()


@pytest.mark.parametrize(("url_name", "kwargs", "query"), TICKET_LISTS)
def test_the_same_lists_include_it_for_its_own_team(world, url_name, kwargs, query):
    # The other half of the test above: each of these lists does find U when allowed.
    url = world.url(url_name, kwargs, query.format(u=world.u.pk))
    response = client_for(url_name, world, "tech_agent").get(url)
    assert response.status_code == 200
    assert shows_any(body_of(response), U_TRACES)


def test_api_session_auth_is_scoped_like_tokens(world):
    client = client_for("tickets:inbox", world, "tech_agent")  # a session, not a token
    items = client.get(reverse("api:list_tickets")).json()["items"]
    assert [i["id"] for i in items] == [world.u.pk]
    assert client.get(reverse("api:get_ticket", args=[world.t.pk])).status_code == 404


# --- Writes: whoever may not see a ticket may not change it either ---------------------

def ticket_state(w: World) -> list[tuple[Any, ...]]:
    # timeline_seq moves with every message and event, so it catches any change at all.
    return list(Ticket.objects.filter(pk__in=[w.t.pk, w.u.pk]).order_by("pk").values_list(
        "pk", "status", "team_id", "assignee_id", "merged_into_id", "timeline_seq"))


def customer_state(w: World) -> list[tuple[Any, ...]]:
    return list(Customer.objects.order_by("pk").values_list("pk", "merged_into_id"))


def chat_state(w: World) -> list[tuple[Any, ...]]:
    from rapport.channels.chat.models import ChatConversation

    return list(ChatConversation.objects.order_by("pk").values_list("pk", "status"))


def revoked_tokens(w: World) -> list[int]:
    return list(ApiToken.objects.filter(revoked_at__isnull=False).values_list("pk", flat=True))


@dataclass(frozen=True)
class Write:
    label: str
    url_name: str
    expect: str
    kwargs: dict[str, str]
    data: Callable[[World], dict[str, Any]]
    method: str = "post"
    state: Callable[[World], Any] = ticket_state

    def send(self, client: Client, world: World) -> Any:
        url = world.url(self.url_name, self.kwargs)
        if surface(self.url_name) == "api":
            return client.generic(self.method.upper(), url, content_type="application/json",
                                  data=json.dumps(self.data(world)))
        return client.post(url, self.data(world))


def offer_state(w: World) -> Any:
    from rapport.routing.models import ChatOffer

    w.t_offer()  # exists before the request, as in the URL
    return list(ChatOffer.objects.order_by("pk").values_list("pk", "state"))


def outbound_state(w: World) -> Any:
    from rapport.channels.email.models import OutboundEmail

    return list(OutboundEmail.objects.order_by("pk").values_list("pk", "status"))


def probe_macro(w: World) -> dict[str, Any]:
    """A macro every agent may apply: only seeing the ticket decides."""
    from rapport.automation.models import Macro

    macro, _ = Macro.objects.get_or_create(name="Probe macro", defaults={"note": "Probe note"})
    return {"macro": macro.pk}


KB_EDITORS = "L  L  L  F  F  F  F  D  D"  # knowledge: supervisors and admins write
WRITES = [
    Write("retry the mail of T's reply", "email_outbound:retry", CHANGES_T, {"pk": "T mail"},
          lambda w: {}, state=outbound_state),
    Write("reply to T", "tickets:reply", CHANGES_T, {"pk": "T"},
          lambda w: {"kind": "reply", "body": "Probe reply"}),
    Write("note on T", "tickets:reply", CHANGES_T, {"pk": "T"},
          lambda w: {"kind": "note", "body": "Probe note"}),
    Write("solve T", "tickets:property", CHANGES_T, {"pk": "T", "prop": "status"},
          lambda w: {"status": "solved"}),
    # Taking a ticket into one's own team is how a hidden ticket would become visible.
    Write("take T into Technical support", "tickets:property", CHANGES_T,
          {"pk": "T", "prop": "assignment"},
          lambda w: {"team": str(w.u.team_id), "assignee": "me"}),
    Write("merge T into U", "tickets:merge", "L  L  L  B  H  H  B  D  D", {"pk": "T"},
          lambda w: {"target": w.u.pk}),
    Write("merge U into T", "tickets:merge", "L  L  L  H  B  B  H  D  D", {"pk": "U"},
          lambda w: {"target": w.t.pk}),
    Write("bulk-solve T", "tickets:bulk", "L  L  L  D  R  R  D  D  D", {},
          lambda w: {"ticket": [w.t.pk], "action": "status", "status": "solved"}),
    Write("merge customer D into C", "contacts:merge", "L  L  L  F  F  F  F  D  D", {"pk": "C"},
          lambda w: {"other": str(w.u.requester_id)}, state=customer_state),
    Write("revoke another agent's token", "accounts:token_revoke",
          "L  L  L  D  H  H  H  H  H", {"pk": "billing token"}, lambda w: {},
          state=revoked_tokens),
    Write("API: solve T", "api:update_ticket", CHANGES_T, {"ticket_id": "T"},
          lambda w: {"status": "solved"}, method="patch"),
    Write("API: move T to Technical support", "api:update_ticket", CHANGES_T,
          {"ticket_id": "T"}, lambda w: {"team_id": w.u.team_id, "assignee_id": None},
          method="patch"),
    Write("API: reply to T", "api:reply", CHANGES_T, {"ticket_id": "T"},
          lambda w: {"body_text": "Probe reply"}),
    Write("API: note on T", "api:add_note", CHANGES_T, {"ticket_id": "T"},
          lambda w: {"body_text": "Probe note"}),
    Write("API: merge T into U", "api:merge", "L  L  L  H  H  H  H  D  D", {"ticket_id": "T"},
          lambda w: {"target_id": w.u.pk}),
    Write("API: merge U into T", "api:merge", "L  L  L  H  H  H  H  D  D", {"ticket_id": "U"},
          lambda w: {"target_id": w.t.pk}),
    # T already has its agent: taking it is refused (back to the page), never hidden-leaky.
    Write("take chat T", "chat_console:take", "L  L  L  R  H  H  R  R  R", {"ticket_id": "T"},
          lambda w: {}),
    Write("transfer chat T", "chat_console:transfer", CHANGES_T, {"ticket_id": "T"},
          lambda w: {"target": f"team:{w.u.team_id}", "note": "Probe transfer"}),
    Write("end chat T", "chat_console:end", CHANGES_T, {"ticket_id": "T"}, lambda w: {},
          state=chat_state),
    Write("apply a macro to T", "automation:apply_macro", CHANGES_T, {"ticket_id": "T"},
          probe_macro),
    # The offer is T's assignee's: anyone else who sees T is sent back, nothing changed.
    Write("accept the chat offer of T", "routing:accept", "L  L  L  R  H  H  D  R  R",
          {"pk": "T", "offer_id": "T offer"}, lambda w: {}, state=offer_state),
    Write("decline the chat offer of T", "routing:decline", "L  L  L  R  H  H  D  R  R",
          {"pk": "T", "offer_id": "T offer"}, lambda w: {}, state=offer_state),
    Write("escalate T", "routing:escalate", CHANGES_T, {"pk": "T"},
          lambda w: {"reason": "engineer", "target": f"team:{w.u.team_id}",
                     "note": "Probe escalation"}),
    # assistant
    Write("accept a suggestion on T", "assistant:accept", CHANGES_T, {"pk": "T"},
          lambda w: {"phrase": "Unfortunately", "alternative": "At the moment"},
          state=assistant_probes.accepted_state),
    Write("turn a phrase rule off", "assistant:rule_toggle", "L  L  L  F  F  F  F  D  D",
          {"rule_id": "assistant rule"}, lambda w: {}, state=assistant_probes.rules_state),
    Write("edit a phrase rule", "assistant:rule_edit", "L  L  L  F  F  F  F  D  D",
          {"rule_id": "assistant rule"},
          lambda w: {"language": "en", "phrase": "probe phrase", "alternatives": "changed",
                     "category": "other", "enabled": "on"},
          state=assistant_probes.rules_state),
    Write("add a phrase rule", "assistant:rule_create", "L  L  L  F  F  F  F  D  D", {},
          lambda w: {"language": "en", "phrase": "probe addition", "alternatives": "x",
                     "category": "other", "enabled": "on"},
          state=assistant_probes.rules_state),
    Write("portal: reply to T", "portal:ticket", "L  D  H  L  L  L  L  L  L", {"number": "T"},
          lambda w: {"message": "Probe reply"}),
    # replies
    Write("insert a canned reply into T", "replies:insert", CHANGES_T, {"ticket_id": "T"},
          lambda w: {"reply": w.ref("canned reply")}, state=reply_probes.replies_state),
    Write("delete a shared canned reply", "replies:delete", "L  L  L  F  F  F  F  D  D",
          {"reply_id": "canned reply"}, lambda w: {}, state=reply_probes.replies_state),
    Write("delete another agent's canned reply", "replies:delete", "L  L  L  D  H  H  H  H  H",
          {"reply_id": "billing agent's reply"}, lambda w: {}, state=reply_probes.replies_state),
    Write("delete a shared reply folder", "replies:folder_delete", "L  L  L  F  F  F  F  D  D",
          {"folder_id": "reply folder"}, lambda w: {}, state=reply_probes.replies_state),
    # knowledge: only supervisors and admins change articles
    Write("create a KB article", "knowledge:create", KB_EDITORS, {},
          knowledge_probes.create_data, state=knowledge_probes.knowledge_state),
    Write("edit a KB article", "knowledge:edit", KB_EDITORS, KB_PROBE,
          knowledge_probes.edit_data, state=knowledge_probes.knowledge_state),
    Write("publish a KB draft", "knowledge:publish", KB_EDITORS,
          {"article_id": "KB draft", "locale": "en"}, lambda w: {},
          state=knowledge_probes.knowledge_state),
    Write("unpublish a KB article", "knowledge:unpublish", KB_EDITORS, KB_PROBE,
          lambda w: {}, state=knowledge_probes.knowledge_state),
    Write("restore a KB version", "knowledge:restore", KB_EDITORS,
          {**KB_PROBE, "version_number": "1"}, lambda w: {},
          state=knowledge_probes.knowledge_state),
    Write("plan a KB review", "knowledge:review", KB_EDITORS, {"article_id": "KB article"},
          lambda w: {"owner": "", "review_by": "2031-01-31"},
          state=knowledge_probes.knowledge_state),
    Write("delete a KB article", "knowledge:delete", KB_EDITORS, {"article_id": "KB article"},
          lambda w: {}, state=knowledge_probes.knowledge_state),
]


@pytest.mark.parametrize(
    ("row", "actor"),
    [pytest.param(row, actor, id=f"{row.label}-{actor}") for row in WRITES for actor in ACTORS],
)
def test_write_answers_each_actor_as_the_table_says(world, row, actor):
    expected = codes(row.expect)[actor]
    client = client_for(row.url_name, world, actor)
    before = row.state(world)
    response = row.send(client, world)
    after = row.state(world)
    body = body_of(response)
    if expected == "D":
        assert response.status_code < 400, body[:500]
        assert after != before, "the change was not made"
    else:
        if expected == "L":
            assert_must_authenticate(response, row.url_name)
        else:
            assert response.status_code == REFUSED_STATUS[expected]
        assert after == before, "a refused request changed something"
    assert not shows_any(body, hidden_traces(actor, row.url_name))


# --- No endpoint skips the matrix ------------------------------------------------------

# Pages anyone may open: they show nothing that belongs to a ticket or a customer.
PUBLIC = {
    "accounts:login": "the agents' sign-in form",
    "accounts:logout": "signing out",
    "set_language": "Django's language switch: sets a cookie",
    "portal:contact": "the public contact form",
    "portal:thanks": "shows only the number this browser's session just submitted",
    "portal:access": "redeems a one-time sign-in link",
    "portal:request_link": "mails a link; the same answer for every address",
    "portal:logout": "signing out of the portal",
    "portal:language": "the portal's language switch",
    "api:api-root": "the API's entry point",
    "api:openapi-json": "the API's schema",
    "api:openapi-view": "the API's documentation",
    "chat_channel:config": "the chat widget's settings: colours, texts, availability",
    "chat_channel:offline": "the widget's message form; opens a ticket for the sender only",
    "chat_channel:demo": "the demo shop page that embeds the widget",
    "chat_channel:widget": "the widget script (a redirect to the static file)",
    "chat_channel:suggest": "public help-center articles, for the site's own origins",
    "search:public_suggestions": "public help-center articles for the contact form",
    "search:open_suggestion": "counts an opened suggestion, redirects to a public article",
    "webhooks:test_receiver": "keeps only deliveries signed with an endpoint's secret; "
                              "answers nothing else",
    # knowledge: the help center shows published public articles only (404 otherwise,
    # knowledge/tests/test_help_center.py); nothing of a ticket or a customer
    "help:root": "redirects to the help center in the browser's language",
    "help:home": "the help center's published public articles",
    "help:category": "one category's published public articles",
    "help:article": "a published public article; internal ones and drafts are 404",
    "help:search": "searches published public articles only (anonymous scope)",
    "help:vote": "one helpful/not helpful answer per browser on a public article",
}
# The chat visitor's own endpoints: no session, the visitor's signed token (per site) is
# the key; channels/chat/tests/test_uploads.py covers who is refused. Without a token
# they answer like public pages: nothing of anyone's ticket.
VISITOR_TOKEN = {
    "chat_channel:upload": "a file into the token's own current chat",
    "chat_channel:file": "a file of the token's own chats",
}
# For signed-in agents, touching no existing ticket, so ticket visibility does not apply;
# test_private_urls_refuse_anonymous_and_customers still covers them.
NOT_TICKET_SCOPED = {
    "accounts:token_create": "a token for the signed-in agent only",
    "accounts:language": "the signed-in agent's own interface language",
    "accounts:presence": "the signed-in agent's own online/away status",
    "routing:next": "assigns the agent a ticket of their own teams; routing/tests cover it",
    "api:create_ticket": "a new ticket; nothing existing is read",
    "api:create_tag": "tags are shared by every agent",
    "api:create_customer": "customers are shared by every agent",
    "api:update_customer": "customers are shared by every agent",
    "api:merge_customer": "customers are shared by every agent",
    # replies
    "replies:preview": "fills in the posted texts with made-up values; reads nothing",
    # knowledge
    "knowledge:preview": "renders the posted Markdown as HTML; reads and stores nothing",
}
# Django's admin has its own is_staff check.
# Provider webhooks authenticate with basic auth and signatures, not sessions:
# channels/email/tests/test_webhooks.py covers who is refused.
EXCLUDED_NAMESPACES = {"admin", "email_webhooks"}


def _walk(patterns: list[Any], namespace: str = "") -> list[tuple[str, URLPattern]]:
    found = []
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(p for p in (namespace, entry.namespace or "") if p)
            found += _walk(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            found.append((f"{namespace}:{entry.name}" if namespace else entry.name or "", entry))
    return found


def url_names() -> dict[str, URLPattern]:
    names = {}
    for name, pattern in _walk(get_resolver().url_patterns):
        if name.split(":")[0] in EXCLUDED_NAMESPACES:
            continue
        if not name and str(pattern.pattern) == "":
            continue  # "/" redirects to the inbox
        assert name, f"unnamed URL {pattern.pattern}: name it and add it to a table"
        names[name] = pattern
    return names


def test_every_url_is_in_a_table():
    tables = {r.url_name for r in READS} | {w.url_name for w in WRITES}
    covered = tables | set(PUBLIC) | set(NOT_TICKET_SCOPED) | set(VISITOR_TOKEN)
    missing = sorted(set(url_names()) - covered)
    assert not missing, (
        f"URLs outside the permission matrix: {missing}. Add a row to READS or WRITES in "
        "core/tests/test_permission_matrix.py (or, for a page anyone may open, to PUBLIC)."
    )
    assert not sorted(covered - set(url_names())), "table entries without a URL"


SAMPLE_ARGS = {"pk": "T", "number": "T", "ticket_id": "T", "customer_id": "C",
               "public_id": "reply file", "prop": "status", "token": "not-a-real-token",
               "message_pk": "T inbound mail", "site_key": "chat site", "offer_id": "T offer",
               "reply_id": "canned reply", "folder_id": "reply folder",
               "article_id": "KB article", "locale": "en", "slug": "probe",
               "category_slug": "orders", "version_number": "1",
               "rule_id": "assistant rule",
               "translation_id": "KB translation"}


def _sample_url(url_name: str, world: World) -> str:
    args = getattr(url_names()[url_name].pattern, "converters", {})
    unknown = set(args) - set(SAMPLE_ARGS)
    assert not unknown, f"add a sample value for {unknown} to SAMPLE_ARGS"
    return world.url(url_name, {arg: SAMPLE_ARGS[arg] for arg in args})


@pytest.mark.parametrize(("url_name", "actor"), [
    pytest.param(name, actor, id=f"{name}-{actor}")
    for name in sorted(set(url_names()) - set(PUBLIC) - set(VISITOR_TOKEN))
    for actor in ("anonymous", *CUSTOMERS)
    # A customer is signed in to the portal: their own pages are in READS and WRITES.
    if not (surface(name) == "portal" and actor in CUSTOMERS)
])
def test_private_urls_refuse_anonymous_and_customers(world, url_name, actor):
    """Every method of every non-public URL: sign in first (or 405 for a method it lacks)."""
    url = _sample_url(url_name, world)
    client = client_for(url_name, world, actor)
    answered = 0
    for method in ("get", "post", "patch"):
        response = getattr(client, method)(url)
        if response.status_code == 405:
            continue
        answered += 1
        assert_must_authenticate(response, url_name)
    assert answered, "the URL answered no method"


@pytest.mark.parametrize("url_name", sorted(
    set(PUBLIC) - {"accounts:logout", "portal:logout", "portal:language", "set_language"}
    | set(VISITOR_TOKEN)
))
def test_public_pages_open_without_signing_in(world, url_name):
    response = Client().get(_sample_url(url_name, world))
    assert response.status_code < 500
    assert not response.get("Location", "").startswith(reverse("accounts:login"))
    assert not shows_any(body_of(response), T_TRACES + U_TRACES)
