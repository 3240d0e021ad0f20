"""Which text is inserted: the ticket's language, the customer's, the agent's, the reply's."""

import pytest

from rapport.replies.languages import choose_variant, form_languages, language_name
from rapport.replies.services import insert_reply
from rapport.replies.tests.factories import make_reply

pytestmark = pytest.mark.django_db

TEXTS = {"en": "Hello {{ customer.first_name }}", "ru": "Здравствуйте, {{ customer.first_name }}",
         "zh-hans": "{{ customer.first_name }}，您好", "sr": "Здраво, {{ customer.first_name }}"}


def chosen(reply, *wanted):
    variant = choose_variant(reply, list(reply.variants.all()), wanted)
    return variant.language if variant else None


def test_the_first_wanted_language_the_reply_has_wins():
    reply = make_reply(texts=TEXTS)
    assert chosen(reply, "ru", "en") == "ru"
    assert chosen(reply, "de", "zh-hans") == "zh-hans"
    assert chosen(reply, "de") == "en"  # the reply's default


def test_a_regional_code_finds_its_base_language():
    reply = make_reply(texts=TEXTS)
    assert chosen(reply, "sr-Latn") == "sr"
    assert chosen(reply, "zh") == "zh-hans"
    assert chosen(reply, "RU") == "ru"


def test_the_default_language_is_used_when_nothing_matches():
    reply = make_reply(texts={"ru": TEXTS["ru"], "sr": TEXTS["sr"]}, default_language="sr")
    assert chosen(reply, "de", "fr") == "sr"


def test_ticket_language_before_customer_before_agent(ticket, agent):
    reply = make_reply(texts=TEXTS)
    agent.ui_language = "zh-hans"
    ticket.language, ticket.requester.language = "sr", "ru"
    assert insert_reply(reply, ticket=ticket, agent=agent).language == "sr"
    ticket.language = ""
    assert insert_reply(reply, ticket=ticket, agent=agent).language == "ru"
    ticket.requester.language = ""
    assert insert_reply(reply, ticket=ticket, agent=agent).language == "zh-hans"
    agent.ui_language = ""
    assert insert_reply(reply, ticket=ticket, agent=agent).language == "en"


def test_the_agent_can_ask_for_another_text(ticket, agent):
    reply = make_reply(texts=TEXTS)
    ticket.language = "ru"
    inserted = insert_reply(reply, ticket=ticket, agent=agent, language="zh-hans")
    assert inserted.language == "zh-hans"
    assert inserted.text == f"{ticket.requester.first_name}，您好"


def test_language_names_are_shown_in_their_own_language():
    assert language_name("ru") == "Русский"
    assert language_name("sr") == "српски"
    assert language_name("xx-yy") == "xx-yy"


def test_the_form_offers_rapports_languages_then_those_in_use():
    assert form_languages(["de", "ru", "PT_BR"]) == ["en", "ru", "zh-hans", "sr", "de", "pt-br"]
