"""A ReplyCheck is stored with each public agent reply, in the reply's transaction."""

import pytest
from django.test import Client
from django.urls import reverse

from rapport.assistant import services as assistant
from rapport.assistant.models import AcceptedSuggestion, ReplyCheck
from rapport.assistant.tests.conftest import rule
from rapport.tickets import services
from rapport.tickets.services import SYSTEM, Body
from rapport.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db


def test_a_reply_is_checked_with_the_suggestions_taken_for_it(builtin_rules, agent, ticket):
    unfortunately = rule("ru", "К сожалению")
    assistant.accept_suggestion(ticket, agent=agent, rule_id=unfortunately.pk,
                                phrase="К сожалению", alternative="В настоящий момент")
    message = services.post_reply(ticket, actor=agent, body=Body(
        text="В настоящий момент ваш заказ задерживается. Проблема на складе."))

    check = ReplyCheck.objects.get(message=message)
    assert (check.agent, check.language, check.findings_count, check.suggestions_accepted) == (
        agent, "ru", 1, 1)
    assert check.findings[0]["phrase"] == "Проблема"
    assert check.customer_upset is False
    assert check.latte is None
    assert check.latte_complete is None
    assert list(check.accepted.all()) == list(AcceptedSuggestion.objects.all())

    # The next reply starts from nothing: those suggestions belong to the first one.
    second = services.post_reply(ticket, actor=agent, body=Body(text="Всё отправлено."))
    assert ReplyCheck.objects.get(message=second).suggestions_accepted == 0


def test_another_agents_or_ticket_suggestions_are_not_counted(builtin_rules, agent, supervisor,
                                                              ticket, customer, team):
    other_ticket = make_ticket(requester=customer, team=team)
    assistant.accept_suggestion(other_ticket, agent=agent, rule_id=None, phrase="a",
                                alternative="b")
    assistant.accept_suggestion(ticket, agent=supervisor, rule_id=None, phrase="a",
                                alternative="b")
    message = services.post_reply(ticket, actor=agent, body=Body(text="Отправили."))
    assert ReplyCheck.objects.get(message=message).suggestions_accepted == 0
    assert AcceptedSuggestion.objects.filter(reply_check__isnull=True).count() == 2


def test_a_reply_to_an_upset_customer_records_latte(builtin_rules, agent, customer, team):
    ticket = make_ticket(requester=customer, team=team,
                         text="This is unacceptable! Refund now, worst service ever!!")
    message = services.post_reply(ticket, actor=agent, body=Body(
        text="I understand, and I'm sorry. I have refunded the order because it was late. "
             "Thank you for telling us. Let me know if anything else comes up."))
    check = ReplyCheck.objects.get(message=message)
    assert check.customer_upset
    assert check.tone_score >= 3
    assert check.latte_complete is True
    assert check.latte["invites_back"] is True


def test_notes_and_system_replies_are_not_checked(builtin_rules, agent, ticket):
    services.add_note(ticket, actor=agent, body=Body(text="К сожалению, клиент прав."))
    services.post_reply(ticket, actor=SYSTEM, body=Body(text="К сожалению, автоответ."))
    services.post_reply(ticket, actor=ticket.requester, body=Body(text="К сожалению, нет."))
    assert not ReplyCheck.objects.exists()


def test_a_reply_from_the_composer_is_checked_a_note_is_not(builtin_rules, agent, ticket):
    client = Client()
    client.force_login(agent)
    url = reverse("tickets:reply", args=[ticket.pk])
    client.post(url, {"kind": "note", "body": "К сожалению, заметка."})
    assert not ReplyCheck.objects.exists()
    client.post(url, {"kind": "reply", "body": "К сожалению, ответ."})
    check = ReplyCheck.objects.get()
    assert check.message.body_text == "К сожалению, ответ."
    assert check.findings_count == 1


def test_a_failing_check_never_costs_the_reply(builtin_rules, agent, ticket, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("rapport.assistant.services.review_text", broken)
    message = services.post_reply(ticket, actor=agent, body=Body(text="Hello"))
    assert message.pk
    assert not ReplyCheck.objects.exists()
