"""The search service: the index follows the tickets, results follow permissions."""

import pytest

from rapport.contacts.tests.factories import CompanyFactory, CustomerFactory
from rapport.search import index
from rapport.search.models import Kind, SearchDocument, SearchLog
from rapport.search.services import SearchQuery, search
from rapport.tickets import services
from rapport.tickets.services import Body
from rapport.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db


def found(actor, text, **kwargs):
    return [(h.kind, h.object_id) for h in search(actor, SearchQuery(text=text, **kwargs)).hits]


def test_a_new_ticket_and_its_first_message_are_found_by_word_forms(agent, team, customer):
    ticket = make_ticket(
        requester=customer, team=team, subject="Сроки доставки в Казань",
        text="Здравствуйте! Подскажите, пожалуйста, когда будет доставка заказа?",
    )
    message = ticket.messages.get()
    assert (Kind.TICKET, ticket.pk) in found(agent, "доставка")
    assert (Kind.MESSAGE, message.pk) in found(agent, "доставкой заказов")
    assert found(agent, "самолёт") == []


def test_replies_and_notes_are_indexed_in_the_same_transaction(agent, ticket):
    reply = services.post_reply(ticket, actor=agent, body=Body(text="The parcel left Belgrade"))
    note = services.add_note(ticket, actor=agent, body=Body(text="Courier confirmed Belgrade"))
    hits = found(agent, "belgrade")
    assert (Kind.MESSAGE, reply.pk) in hits
    assert (Kind.MESSAGE, note.pk) in hits


def test_agents_find_only_tickets_they_may_open(agent, other_agent, supervisor, ticket, other_team):
    hidden = make_ticket(team=other_team, subject="Tracking number lost", text="No tracking")
    assert (Kind.TICKET, hidden.pk) not in found(agent, "tracking")
    assert (Kind.TICKET, hidden.pk) in found(other_agent, "tracking")
    assert (Kind.TICKET, hidden.pk) in found(supervisor, "tracking")


def test_moving_a_ticket_moves_who_finds_it(agent, other_agent, ticket, other_team, admin_user):
    assert (Kind.TICKET, ticket.pk) in found(agent, "order")
    services.set_team(ticket, actor=admin_user, team=other_team)
    assert (Kind.TICKET, ticket.pk) not in found(agent, "order")
    assert (Kind.TICKET, ticket.pk) in found(other_agent, "order")
    messages = SearchDocument.objects.filter(kind=Kind.MESSAGE, ticket_id=ticket.pk)
    assert set(messages.values_list("team_id", flat=True)) == {other_team.pk}


def test_customers_find_their_public_messages_only(agent, customer, ticket):
    note = services.add_note(ticket, actor=agent, body=Body(text="Internal: refund approved"))
    reply = services.post_reply(ticket, actor=agent, body=Body(text="Your refund is on its way"))
    hits = found(customer, "refund")
    assert (Kind.MESSAGE, reply.pk) in hits
    assert (Kind.MESSAGE, note.pk) not in hits
    stranger = CustomerFactory()
    assert found(stranger, "refund") == []
    assert found(None, "refund") == []


def test_a_company_that_shares_tickets_lets_colleagues_find_them(team):
    company = CompanyFactory(share_tickets=True)
    alice = CustomerFactory(company=company)
    bob = CustomerFactory(company=company)
    ticket = make_ticket(requester=alice, team=team, subject="Invoice for March")
    assert (Kind.TICKET, ticket.pk) in found(bob, "invoice")


def test_merged_customers_keep_finding_their_tickets(team, supervisor):
    from rapport.contacts.services import merge_customers

    old, new = CustomerFactory(), CustomerFactory()
    ticket = make_ticket(requester=old, team=team, subject="Broken umbrella")
    merge_customers(old, new, actor=supervisor)
    assert (Kind.TICKET, ticket.pk) in found(new, "umbrella")
    assert found(old, "umbrella") == []


def test_customers_are_found_by_name_email_and_company(agent):
    company = CompanyFactory(name="Dunavska logistika")
    person = CustomerFactory(name="Милица Јовановић", email="milica@example.rs", company=company)
    for query in ("Милица", "milica", "jovanovic", "dunavska", "milica@example.rs"):
        assert (Kind.CUSTOMER, person.pk) in found(agent, query), query


def test_results_are_highlighted_and_escaped(agent, team, customer):
    make_ticket(requester=customer, team=team, subject="<b>Refund</b> for order",
                text="Please refund <script>x</script>")
    hits = search(agent, SearchQuery(text="refunds", kinds=(Kind.TICKET,))).hits
    assert "<mark>Refund</mark>" in hits[0].title
    assert "<b>" not in hits[0].title
    assert "&lt;b&gt;" in hits[0].title


def test_filters_by_kind_status_team_and_date(agent, team, customer):
    from datetime import timedelta

    from django.utils import timezone

    ticket = make_ticket(requester=customer, team=team, subject="Umbrella handle")
    assert found(agent, "umbrella", kinds=(Kind.MESSAGE,)) == []
    assert found(agent, "umbrella", statuses=("solved",)) == []
    assert found(agent, "umbrella", statuses=(ticket.status,)) != []
    assert found(agent, "umbrella", team_id=team.pk + 1000) == []
    assert found(agent, "umbrella", since=timezone.now() + timedelta(days=1)) == []


def test_searches_are_logged_when_asked_with_their_result_count(agent):
    search(agent, SearchQuery(text="  Nothing  Here ", source="agent"))
    log = SearchLog.objects.get()
    assert (log.normalized, log.results, log.source) == ("nothing here", 0, "agent")


def test_reindex_rebuilds_the_same_results(agent, ticket):
    before = found(agent, "late")
    SearchDocument.objects.all().delete()
    assert found(agent, "late") == []
    counts = index.reindex()
    assert counts[Kind.TICKET] >= 1
    assert counts[Kind.MESSAGE] >= 1
    assert found(agent, "late") == before


def test_deleting_a_ticket_forgets_it(agent, ticket):
    ticket_id = ticket.pk
    ticket.delete()
    assert not SearchDocument.objects.filter(ticket_id=ticket_id).exists()
    assert found(agent, "late") == []


def test_the_reindex_command_shows_progress_and_counts(ticket):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out, err = StringIO(), StringIO()
    call_command("reindex", "ticket", "message", stdout=out, stderr=err)
    assert "ticket: 1 indexed" in out.getvalue()
    assert "message: 1 indexed" in out.getvalue()
    assert "100%" in err.getvalue()
    with pytest.raises(CommandError, match="unknown kind"):
        call_command("reindex", "tickets")
