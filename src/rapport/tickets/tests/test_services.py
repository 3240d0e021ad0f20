import pytest

from rapport.core.errors import InvalidInput, PermissionDenied
from rapport.reports.models import ReportingEvent
from rapport.tickets import services
from rapport.tickets.merging import merge_tickets
from rapport.tickets.models import (
    Channel,
    Direction,
    EventKind,
    Message,
    Priority,
    Status,
    TicketEvent,
)
from rapport.tickets.queries import timeline
from rapport.tickets.services import Body
from rapport.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db


def names(ticket):
    return list(ReportingEvent.objects.filter(ticket_id=ticket.pk).values_list("name", flat=True))


def test_create_ticket_writes_message_event_and_report(customer, team):
    ticket = make_ticket(requester=customer, team=team, tags=["Late-Carrier", "vip"])
    assert ticket.status == Status.NEW
    assert customer.language == "ru"
    assert ticket.language == "en"  # what they wrote in, detected, beats their profile
    message = ticket.messages.get()
    assert message.language == "en"
    assert message.direction == Direction.INBOUND
    assert message.author_customer == customer
    assert message.body_html == "<p>Hello, it is late.</p>"
    assert [e.kind for e in ticket.events.all()] == [EventKind.CREATED]
    assert sorted(ticket.tags.values_list("name", flat=True)) == ["late-carrier", "vip"]
    assert names(ticket) == ["ticket_created"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thanks!", "ru"),  # too short to tell: the customer's preferred language
        ("Посылка так и не пришла, что мне делать?", "ru"),
        ("Пакет још није стигао, шта да радим?", "sr"),
        ("我的包裹还没有到，请帮我查一下", "zh-hans"),
        ("The parcel never arrived, what should I do?", "en"),
    ],
)
def test_ticket_language_is_detected_from_the_text(customer, text, expected):
    ticket = make_ticket(requester=customer, text=text)
    assert ticket.language == expected


def test_empty_message_is_refused(customer):
    with pytest.raises(InvalidInput) as exc:
        make_ticket(requester=customer, text="   ")
    assert exc.value.code == "empty_message"


def test_first_agent_reply_assigns_opens_and_reports(
    customer, team, agent, django_capture_on_commit_callbacks, mailoutbox
):
    ticket = make_ticket(requester=customer, team=team, channel=Channel.WEB)  # portal notice
    with django_capture_on_commit_callbacks(execute=True):
        services.post_reply(ticket, actor=agent, body=Body(text="We are on it."))
    ticket.refresh_from_db()
    assert ticket.assignee == agent
    assert ticket.status == Status.OPEN
    assert ticket.first_response_at is not None
    assert names(ticket) == ["ticket_created", "first_reply", "agent_reply", "assigned"]
    first = ReportingEvent.objects.get(ticket_id=ticket.pk, name="first_reply")
    assert first.duration_seconds >= 0
    assert first.agent_id == agent.pk
    # The customer is told, with a link to the portal.
    assert len(mailoutbox) == 1
    assert f"[#{ticket.pk}]" in mailoutbox[0].subject
    assert "/portal/access/" in mailoutbox[0].body


def test_rolled_back_reply_sends_nothing(
    ticket, agent, django_capture_on_commit_callbacks, mailoutbox
):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        def reply_then_fail():
            with transaction.atomic():
                services.post_reply(ticket, actor=agent, body=Body(text="Draft"))
                raise RuntimeError

        with pytest.raises(RuntimeError):
            reply_then_fail()
    assert callbacks == []
    assert mailoutbox == []
    assert not Message.objects.filter(body_text="Draft").exists()


def test_customer_reply_reopens_solved_ticket(ticket, agent, customer):
    services.post_reply(ticket, actor=agent, body=Body(text="Done."), status=Status.SOLVED)
    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED
    assert ticket.solved_at
    services.post_reply(ticket, actor=customer, body=Body(text="Not yet, sorry."))
    ticket.refresh_from_db()
    assert ticket.status == Status.OPEN
    assert ticket.solved_at is None
    assert "reopened" in names(ticket)


def test_note_is_internal_and_customer_cannot_write_one(ticket, agent, customer):
    note = services.add_note(ticket, actor=agent, body=Body(text="Check the warehouse"))
    assert note.is_public is False
    with pytest.raises(PermissionDenied):
        services.add_note(ticket, actor=customer, body=Body(text="sneaky"))
    assert [m.pk for m in timeline(customer, ticket) if isinstance(m, Message)] == [
        ticket.messages.first().pk
    ]


def test_timeline_orders_messages_and_events(ticket, agent):
    services.set_priority(ticket, actor=agent, priority=Priority.URGENT)
    services.add_note(ticket, actor=agent, body=Body(text="note"))
    services.change_tags(ticket, actor=agent, add=["refund"])
    seqs = [e.seq for e in timeline(agent, ticket)]
    assert seqs == sorted(seqs) == [1, 2, 3, 4, 5]
    kinds = [getattr(e, "kind", "message") for e in timeline(agent, ticket)]
    assert kinds == ["created", "message", "priority", "message", "tags"]


def test_status_priority_assign_tags_fields(ticket, agent, other_team, supervisor):
    from rapport.tickets.models import CustomField

    CustomField.objects.create(key="order", label="Order", field_type="number")
    CustomField.objects.create(
        key="reason", label="Reason", field_type="choice", choices=["late", "lost"]
    )
    services.set_status(ticket, actor=agent, status=Status.PENDING)
    services.assign(ticket, actor=supervisor, assignee=agent, team=other_team, change_team=True)
    services.change_tags(ticket, actor=agent, add=["a", "b"], remove=[])
    services.change_tags(ticket, actor=agent, remove=["a"])
    services.update_fields(ticket, actor=agent, values={"order": "42", "reason": "lost"})
    ticket.refresh_from_db()
    assert (ticket.status, ticket.team, ticket.assignee) == (Status.PENDING, other_team, agent)
    assert list(ticket.tags.values_list("name", flat=True)) == ["b"]
    assert ticket.custom_fields == {"order": 42, "reason": "lost"}
    with pytest.raises(InvalidInput) as exc:
        services.update_fields(ticket, actor=agent, values={"reason": "stolen", "nope": 1})
    assert set(exc.value.details) == {"reason", "nope"}
    kinds = list(TicketEvent.objects.filter(ticket=ticket).values_list("kind", flat=True))
    assert kinds == ["created", "status", "team", "assigned", "tags", "tags", "fields"]


def test_closed_ticket_cannot_change_status(ticket, agent):
    services.set_status(ticket, actor=agent, status=Status.CLOSED)
    with pytest.raises(InvalidInput):
        services.set_status(ticket, actor=agent, status=Status.OPEN)


def test_merge_tickets_moves_messages_and_closes_source(customer, agent, team):
    target = make_ticket(requester=customer, team=team, subject="Refund")
    source = make_ticket(requester=customer, team=team, subject="Refund again", tags=["refund"])
    merge_tickets(source, target, actor=agent)
    source.refresh_from_db()
    target.refresh_from_db()
    assert source.status == Status.CLOSED
    assert source.merged_into == target
    assert target.messages.count() == 2
    assert list(target.tags.values_list("name", flat=True)) == ["refund"]
    assert target.events.filter(kind=EventKind.MERGED_FROM).exists()
    with pytest.raises(InvalidInput):
        merge_tickets(source, target, actor=agent)
    with pytest.raises(InvalidInput):
        merge_tickets(target, target, actor=agent)


def test_hostile_html_is_sanitised(customer):
    ticket = make_ticket(requester=customer)
    message = services.post_reply(
        ticket, actor=customer,
        body=Body(html='<p onclick="x()">Hi<script>alert(1)</script><a href="javascript:x">l</a>'
                       '<img src="http://evil/t.png"></p>'),
    )
    assert "script" not in message.body_html
    assert "onclick" not in message.body_html
    assert "javascript" not in message.body_html
    assert "<img" not in message.body_html
    assert message.body_text == "Hil"


def test_merging_another_requesters_ticket_keeps_their_messages_internal(agent, team):
    target = make_ticket(team=team, subject="Mine")
    source = make_ticket(team=team, subject="Someone else's", text="my address is 5 Elm St")
    merge_tickets(source, target, actor=agent)
    moved = target.messages.get(body_text="my address is 5 Elm St")
    assert moved.is_public is False
    customer_view = [e for e in timeline(target.requester, target) if isinstance(e, Message)]
    assert moved not in customer_view
