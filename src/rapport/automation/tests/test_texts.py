import pytest

from rapport.automation.texts import choose_language, render, unknown_placeholders, values_for
from rapport.contacts.tests.factories import CustomerFactory
from rapport.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db


def test_render_replaces_known_placeholders_once():
    values = {"customer.name": "{{ticket.subject}}", "ticket.subject": "Parcel"}
    text = "{{ customer.name }} / {{ticket.subject}} / {{ticket.colour}} / {% now %}"
    assert render(text, values) == "{{ticket.subject}} / Parcel / {{ticket.colour}} / {% now %}"
    assert unknown_placeholders(text) == ["ticket.colour"]


def test_values_in_the_text_language(agent):
    customer = CustomerFactory(name="Ana Jovanović", email="ana@example.test")
    ticket = make_ticket(requester=customer, subject="Пакет", assignee=agent)
    values = values_for(ticket, agent=None, language="ru")
    assert values["ticket.number"] == str(ticket.pk)
    assert values["ticket.status"] == "Новое"
    assert values["customer.first_name"] == "Ana"
    assert values["agent.name"] == str(agent)


@pytest.mark.parametrize(("ticket_language", "customer_language", "available", "expected"), [
    ("ru", "en", ["en", "ru"], "ru"),
    ("", "sr", ["en", "sr"], "sr"),
    ("zh-Hans", "", ["zh-hans", "en"], "zh-hans"),
    ("sr-latn", "", ["en", "sr"], "sr"),
    ("de", "fr", ["ru", "en"], "en"),
    ("de", "fr", ["sr", "ru"], "ru"),  # Rapport's language order, not the JSON's
    ("de", "", [], ""),
])
def test_choose_language(ticket_language, customer_language, available, expected):
    customer = CustomerFactory(language=customer_language)
    ticket = make_ticket(requester=customer)
    ticket.language = ticket_language
    assert choose_language(available, ticket) == expected
