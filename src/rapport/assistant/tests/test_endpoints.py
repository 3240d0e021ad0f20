"""The composer's endpoints: check (and who may ask), accept, and the panel on the page."""

import pytest
from django.test import Client
from django.urls import reverse

from rapport.assistant.latte_cues import CLOSINGS
from rapport.assistant.models import AcceptedSuggestion
from rapport.assistant.tests.conftest import rule
from rapport.portal.tests.helpers import sign_in_as
from rapport.tickets import services
from rapport.tickets.services import Body
from rapport.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db

RU_REPLY = "К сожалению, ваш заказ задерживается. Проблему уже решаем."


@pytest.fixture
def agent_client(agent, builtin_rules):
    client = Client()
    client.force_login(agent)
    return client


def check(client, ticket, text=None):
    url = reverse("assistant:check", args=[ticket.pk])
    return client.post(url, {"text": text}) if text is not None else client.get(url)


def test_check_finds_phrases_with_offsets_and_alternatives(agent_client, ticket):
    response = check(agent_client, ticket, RU_REPLY)
    assert response.status_code == 200
    data = response.json()
    assert data["language"] == "ru"
    assert data["upset"] is False
    assert data["latte"] is None
    first, second = data["findings"]
    assert first == {
        "rule_id": rule("ru", "К сожалению").pk, "start": 0, "end": 11,
        "phrase": "К сожалению", "alternatives": ["В настоящий момент"],
        "category": "negative",
        "explanation": "Opens with bad news. Say what is true right now and what you can do.",
    }
    assert (second["phrase"], second["alternatives"]) == ("Проблему", ["Сложность"])
    assert RU_REPLY[second["start"]:second["end"]] == "Проблему"
    assert data["closing"] in CLOSINGS["ru"]


def test_short_text_uses_the_ticket_language(agent_client, customer, team):
    ticket = make_ticket(requester=customer, team=team, language="zh-hans", text="你好")
    assert check(agent_client, ticket, "ok").json()["language"] == "zh-hans"


def test_upset_customer_gets_latte_and_an_empty_draft_still_shows_the_mood(
        agent_client, customer, team):
    ticket = make_ticket(requester=customer, team=team,
                         text="Это возмутительно! Верните деньги, сколько можно ждать!")
    empty = check(agent_client, ticket).json()
    assert empty["upset"] is True
    assert empty["latte"] == {"listens": False, "takes_action": False, "thanks": False,
                              "explains": False, "invites_back": False, "complete": False}
    assert empty["findings"] == []
    assert empty["closing"] is None
    reply = ("Понимаю ваше недовольство. Мы уже отправили вам новый заказ, это произошло "
             "из-за ошибки склада. Спасибо за терпение!")
    latte = check(agent_client, ticket, reply).json()["latte"]
    assert latte["complete"] is True
    assert latte["invites_back"] is False


def test_the_latest_customer_message_decides_the_mood(agent_client, agent, customer, team):
    ticket = make_ticket(requester=customer, team=team, text="Это возмутительно! Обман!")
    services.post_reply(ticket, actor=agent, body=Body(text="Разбираемся."))
    services.post_reply(ticket, actor=customer, body=Body(text="Спасибо, всё пришло."))
    assert check(agent_client, ticket).json()["upset"] is False


def test_an_agent_who_cannot_see_the_ticket_gets_404(builtin_rules, other_agent, ticket):
    client = Client()
    client.force_login(other_agent)
    assert check(client, ticket, RU_REPLY).status_code == 404
    assert check(client, ticket).status_code == 404
    accept = client.post(reverse("assistant:accept", args=[ticket.pk]),
                         {"phrase": "x", "alternative": "y"})
    assert accept.status_code == 404
    assert not AcceptedSuggestion.objects.exists()


def test_customers_and_anonymous_are_refused(builtin_rules, ticket, customer):
    portal = Client()
    sign_in_as(portal, customer)
    for client in (Client(), portal):
        response = check(client, ticket, RU_REPLY)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
        assert client.post(reverse("assistant:accept", args=[ticket.pk]),
                           {"phrase": "x", "alternative": "y"}).status_code == 302
    assert not AcceptedSuggestion.objects.exists()


def test_accept_records_the_suggestion(agent_client, agent, ticket):
    unfortunately = rule("ru", "К сожалению")
    response = agent_client.post(reverse("assistant:accept", args=[ticket.pk]), {
        "rule": str(unfortunately.pk), "phrase": "К сожалению",
        "alternative": "В настоящий момент"})
    assert response.status_code == 201
    taken = AcceptedSuggestion.objects.get()
    assert (taken.ticket, taken.agent, taken.rule, taken.phrase, taken.alternative,
            taken.reply_check) == (ticket, agent, unfortunately, "К сожалению",
                                   "В настоящий момент", None)


def test_accept_without_words_is_refused(agent_client, ticket):
    url = reverse("assistant:accept", args=[ticket.pk])
    response = agent_client.post(url, {"rule": "abc", "phrase": " ", "alternative": "x"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert agent_client.get(url).status_code == 405
    assert not AcceptedSuggestion.objects.exists()


def test_the_ticket_page_carries_the_panel_for_agents(agent_client, ticket):
    html = agent_client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert 'data-assistant' in html
    assert reverse("assistant:check", args=[ticket.pk]) in html
    assert "assistant/assistant.js" in html
    # Inside the reply form, below the text box.
    form = html[html.index('id="composer"'):html.index("</form>", html.index('id="composer"'))]
    assert form.index("data-composer-body") < form.index("data-assistant")


@pytest.mark.parametrize(("channel", "upset"), [("email", True), ("chat", False)])
def test_writing_again_unanswered_counts_except_in_a_chat(agent_client, customer, team,
                                                          channel, upset):
    ticket = make_ticket(requester=customer, team=team, channel=channel,
                         text="Hello, where is my order 5521?")
    for text in ("Any news?", "Still waiting for an answer."):
        services.post_reply(ticket, actor=customer, body=Body(text=text))
    assert check(agent_client, ticket).json()["upset"] is upset
