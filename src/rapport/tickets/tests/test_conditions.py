import pytest
from django.core.exceptions import ValidationError

from rapport.contacts.models import Company
from rapport.tickets.conditions import Facts, matches, validate
from rapport.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db


def c(field, op, value):
    return {"field": field, "op": op, "value": value}


@pytest.fixture
def ticket(customer):
    company = Company.objects.create(name="Acme", tier="premium")
    customer.company = company
    customer.save()
    return make_ticket(requester=customer, subject="Refund please",
                       text="The parcel arrived broken, я хочу возврат денег", tags=["vip"],
                       priority=3, fields={}, source="mailbox:7")


def facts(ticket):
    return Facts(ticket=ticket, message=ticket.messages.first())


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ({}, True),
        ({"all": [c("channel", "is", "email")]}, True),
        ({"all": [c("channel", "is", "chat")]}, False),
        ({"all": [c("mailbox", "is", 7)]}, True),
        ({"all": [c("mailbox", "is", 8)]}, False),
        ({"all": [c("chat_site", "is", 7)]}, False),
        ({"all": [c("priority", "at_least", 3)]}, True),
        ({"all": [c("priority", "at_most", 2)]}, False),
        ({"all": [c("tags", "includes", "vip")]}, True),
        ({"all": [c("tags", "excludes", "vip")]}, False),
        ({"all": [c("tier", "in", ["premium", "enterprise"])]}, True),
        ({"all": [c("keywords", "contains_any", ["REFUND"])]}, True),
        ({"all": [c("keywords", "contains_any", ["fund"])]}, False),  # whole words only
        ({"all": [c("keywords", "contains_any", ["возврат денег"])]}, True),
        ({"all": [c("keywords", "contains_all", ["refund", "broken"])]}, True),
        ({"all": [c("keywords", "contains_none", ["broken"])]}, False),
        ({"all": [c("channel", "is", "email")], "any": [c("language", "is", "zh-hans"),
                                                        c("tags", "includes", "vip")]}, True),
        ({"any": [c("language", "is", "zh-hans")]}, False),
        ({"all": [c("no_such_field", "is", 1)]}, False),
    ],
)
def test_conditions_read_the_ticket(ticket, spec, expected):
    assert matches(spec, facts(ticket)) is expected


def test_chinese_keywords_match_inside_text(customer):
    ticket = make_ticket(requester=customer, text="我要退款，包裹坏了")
    assert matches({"all": [c("keywords", "contains_any", ["退款"])]}, facts(ticket))


def test_custom_field_conditions(ticket):
    ticket.custom_fields = {"order_value": 1200, "plan": "gold"}
    assert matches({"all": [c("field:order_value", "at_least", 1000)]}, facts(ticket))
    assert not matches({"all": [c("field:plan", "is", "silver")]}, facts(ticket))
    assert not matches({"all": [c("field:missing", "at_least", 1)]}, facts(ticket))


@pytest.mark.parametrize(
    "spec",
    [
        [],
        {"all": "x"},
        {"none": []},
        {"all": [{"field": "channel"}]},
        {"all": [c("colour", "is", "red")]},
        {"all": [c("channel", "at_least", 1)]},
        {"all": [c("channel", "is", "pigeon")]},
        {"all": [c("tags", "includes_any", "vip")]},
    ],
)
def test_invalid_specs_are_refused_with_a_reason(spec):
    with pytest.raises(ValidationError):
        validate(spec)


def test_valid_spec_is_normalised():
    spec = {"all": [{"field": "priority", "op": "at_least", "value": 3, "extra": 1}]}
    assert validate(spec) == {"all": [c("priority", "at_least", 3)], "any": []}
    assert validate(None) == {}


def test_trigger_facts_previous_status_and_actor(ticket):
    spec = {"all": [c("previous_status", "is", "pending"), c("actor", "is", "customer")]}
    assert validate(spec) == {**spec, "any": []}
    waiting = Facts(ticket=ticket, change="ticket.status", previous_status="pending",
                    actor="customer")
    assert matches(spec, waiting)
    assert not matches(spec, Facts(ticket=ticket, previous_status="pending", actor="agent"))
    assert not matches(spec, facts(ticket))  # routing and SLA decisions carry neither
    with pytest.raises(ValidationError):
        validate({"all": [c("actor", "is", "robot")]})
