import pytest

from rapport.accounts.tests.factories import UserFactory
from rapport.contacts.tests.factories import CompanyFactory, CustomerFactory
from rapport.tickets import inbox, services
from rapport.tickets.attachments import IncomingFile
from rapport.tickets.inbox import InboxQuery
from rapport.tickets.models import Priority, Status
from rapport.tickets.queries import visible_attachment, visible_tickets
from rapport.tickets.services import Body
from rapport.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db


def ids(qs):
    return set(qs.values_list("pk", flat=True))


def test_visibility_by_role(ticket, agent, other_agent, engineer, supervisor, admin_user, customer):
    other = make_ticket(team=None)
    assert ids(visible_tickets(agent)) == {ticket.pk}
    assert ids(visible_tickets(other_agent)) == set()
    assert ids(visible_tickets(engineer)) == set()
    assert ids(visible_tickets(supervisor)) == {ticket.pk, other.pk}
    assert ids(visible_tickets(admin_user)) == {ticket.pk, other.pk}
    assert ids(visible_tickets(customer)) == {ticket.pk}
    assert ids(visible_tickets(None)) == set()


def test_assignee_outside_team_sees_ticket(ticket, other_agent, supervisor):
    services.assign(ticket, actor=supervisor, assignee=other_agent)
    assert ids(visible_tickets(other_agent)) == {ticket.pk}


def test_inactive_agent_sees_nothing(ticket, agent):
    agent.is_active = False
    agent.save()
    assert ids(visible_tickets(agent)) == set()


def test_company_sharing(team):
    company = CompanyFactory()
    alice = CustomerFactory(company=company)
    bob = CustomerFactory(company=company)
    mine = make_ticket(requester=alice, team=team)
    theirs = make_ticket(requester=bob, team=team)
    assert ids(visible_tickets(alice)) == {mine.pk}
    company.share_tickets = True
    company.save()
    alice.refresh_from_db()
    assert ids(visible_tickets(alice)) == {mine.pk, theirs.pk}


def test_attachment_visibility(ticket, agent, other_agent, customer):
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 20
    public = services.post_reply(
        ticket, actor=agent, body=Body(text="see", files=[IncomingFile("a.png", png, "image/png")])
    )
    note = services.add_note(
        ticket, actor=agent, body=Body(text="x", files=[IncomingFile("n.txt", b"x", "text/plain")])
    )
    pub_id = public.attachments.get().public_id
    note_id = note.attachments.get().public_id
    assert visible_attachment(agent, pub_id) is not None
    assert visible_attachment(agent, note_id) is not None
    assert visible_attachment(customer, pub_id) is not None
    assert visible_attachment(customer, note_id) is None
    assert visible_attachment(other_agent, pub_id) is None
    assert visible_attachment(CustomerFactory(), pub_id) is None


def test_keyset_pagination_walks_everything_once(supervisor, team):
    tickets = [make_ticket(team=team, subject=f"T{i}") for i in range(23)]
    for t in tickets[::3]:
        services.set_priority(t, actor=supervisor, priority=Priority.HIGH)
    for sort in inbox.SORTS:
        seen, cursor = [], None
        while True:
            page = inbox.page(supervisor, InboxQuery(sort=sort), cursor=cursor, limit=5)
            seen += [t.pk for t in page.items]
            cursor = page.next_cursor
            if not cursor:
                break
        assert sorted(seen) == sorted(t.pk for t in tickets), sort
        assert len(seen) == len(set(seen))


def test_inbox_views_and_filters(agent, team, supervisor):
    mine = make_ticket(team=team, assignee=agent, tags=["refund"])
    unassigned = make_ticket(team=team, channel="chat", language="zh")
    pending = make_ticket(team=team)
    services.set_status(pending, actor=agent, status=Status.PENDING)

    def view(name, **kw):
        return {t.pk for t in inbox.page(agent, InboxQuery(view=name, **kw)).items}

    assert view("my_open") == {mine.pk}
    assert view("unassigned") == {unassigned.pk, pending.pk}
    assert view("pending") == {pending.pk}
    assert view("all", tag="refund") == {mine.pk}
    assert view("all", channel="chat") == {unassigned.pk}
    assert view("all", language="zh") == {unassigned.pk}
    assert view("all", search=f"#{mine.pk}") == {mine.pk}


def test_bad_cursor_is_a_clear_error(agent):
    from rapport.core.errors import InvalidInput

    with pytest.raises(InvalidInput) as exc:
        inbox.page(agent, InboxQuery(), cursor="garbage!!")
    assert exc.value.code == "invalid_cursor"


def test_declared_types_are_not_trusted(ticket, agent):
    html = b"<script>alert(1)</script>"
    message = services.add_note(
        ticket, actor=agent,
        body=Body(text="x", files=[IncomingFile("../../evil.html", html, "text/html"),
                                   IncomingFile("fake.png", b"not an image", "image/png")]),
    )
    evil, fake = message.attachments.order_by("id")
    assert evil.content_type == "application/octet-stream"
    assert evil.filename == "_.._evil.html"
    assert fake.content_type == "application/octet-stream"
    assert evil.file.name.startswith("attachments/")
    assert "evil" not in evil.file.name
    other_user = UserFactory()
    assert visible_attachment(other_user, evil.public_id) is None


def test_search_folds_case_in_every_script(agent, team):
    ru = make_ticket(team=team, subject="Посылка не пришла")
    sr = make_ticket(team=team, subject="ЗАМЕНА величине")
    make_ticket(team=team, subject="Other")

    def found(term):
        return {t.pk for t in inbox.page(agent, InboxQuery(search=term)).items}

    assert found("посылка") == {ru.pk}
    assert found("ПОСЫЛКА НЕ") == {ru.pk}
    assert found("замена") == {sr.pk}
