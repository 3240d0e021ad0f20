"""The sandbox: only listed placeholders and filters; everything else refused, never run."""

import time

import pytest
from django.utils import translation

from rapport.replies import rendering
from rapport.replies.context import sample_context, ticket_context
from rapport.replies.rendering import TemplateRefused, render, validate

HOSTILE = [
    "{{ ''.__class__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ customer.__init__ }}",
    "{{ customer.first_name.__class__ }}",
    "{% for x in customer %}{{ x }}{% endfor %}",
    "{% if 1 %}yes{% endif %}",
    "{% raw %}{{ customer }}{% endraw %}",
    "{{ settings.SECRET_KEY }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ lipsum() }}",
    "{{ range(10**9) }}",
    "{{ customer.email|attr('x') }}",
    "{{ customer.email|format('%s') }}",
    "{{ customer.email|default(customer.name) }}",
    "{{ customer.email|trim('x') }}",
    "{{ 'x' * 100000000 }}",
    "{{ 'literal' }}",
    "{{ customer['email'] }}",
    "{{ customer }}",
    "{{ customer.first_name if 1 else 2 }}",
    "{{ customer.first_name ~ customer.email }}",
    "{{ customer.first_name is defined }}",
    "{{ ticket.subject.upper() }}",
]
CONTEXT = {
    "customer": {"first_name": "Ivan", "last_name": "Petrov", "name": "Ivan Petrov",
                 "email": "ivan@example.test"},
    "company": {"name": ""},
    "ticket": {"number": 4471, "subject": "Where is my parcel?", "status": "Open"},
    "agent": {"first_name": "Anna", "name": "Anna Smith"},
    "brand": {"name": "Northwind"},
}


def test_placeholders_and_filters_are_filled_in():
    text = ("Hi {{ customer.first_name }} ({{customer.email|upper}}), #{{ ticket.number }}: "
            "{{ company.name|default('your company') }} · {{ agent.name|lower }} · "
            "{{ brand.name|title }}\n")
    assert render(text, CONTEXT) == (
        "Hi Ivan (IVAN@EXAMPLE.TEST), #4471: your company · anna smith · Northwind\n")


def test_plain_text_and_comments_pass_as_they_are():
    assert render("Braces { } and 100% {# a note #}done", CONTEXT) == "Braces { } and 100% done"


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_texts_are_refused_when_saved(text):
    with pytest.raises(TemplateRefused):
        validate(text)


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_texts_never_run_at_render(text):
    started = time.monotonic()
    with pytest.raises(TemplateRefused):
        render(text, CONTEXT)
    assert time.monotonic() - started < 1  # the huge multiplication was never evaluated


def test_the_error_names_the_placeholder():
    with pytest.raises(TemplateRefused) as refused:
        validate("Hello {{ customer.first_name }}, {{ settings.SECRET_KEY }}")
    assert "{{ settings.SECRET_KEY }}" in refused.value.message
    with pytest.raises(TemplateRefused) as refused:
        validate("{{ customer.email|attr('x') }}")
    assert "attr" in refused.value.message


def test_statements_get_their_own_message():
    with pytest.raises(TemplateRefused) as refused:
        validate("{% for x in y %}{% endfor %}")
    assert "{% … %}" in refused.value.message


def test_a_text_that_cannot_be_parsed_is_refused_without_a_crash():
    for broken in ("Hello {{ customer.first_name", "{{ }}", "{{ customer. }}", "{% %}"):
        with pytest.raises(TemplateRefused):
            render(broken, CONTEXT)


def test_an_overlong_text_is_refused():
    with pytest.raises(TemplateRefused):
        validate("x" * (rendering.MAX_TEXT_LENGTH + 1))


def test_a_long_fallback_is_refused():
    with pytest.raises(TemplateRefused):
        validate("{{ customer.first_name|default('%s') }}" % ("x" * 500))


def test_the_environment_has_no_globals_and_only_the_listed_filters():
    env = rendering._ENV
    assert env.globals == {}
    assert set(env.filters) == {"default", "upper", "lower", "title", "capitalize", "trim"}


def _only_plain_values(value):
    if isinstance(value, dict):
        return all(isinstance(k, str) and _only_plain_values(v) for k, v in value.items())
    return type(value) in (str, int)


@pytest.mark.django_db
def test_the_ticket_context_is_plain_data_with_sensible_fallbacks(ticket, agent):
    ticket.requester.name = ""
    agent.first_name = ""
    context = ticket_context(ticket, agent=agent, language="en")
    assert _only_plain_values(context)
    assert context["customer"]["first_name"] == ""
    assert context["company"]["name"] == ""
    assert context["agent"]["first_name"] == (agent.get_full_name().strip() or agent.username)
    assert render("Hi {{ customer.first_name|default('there') }}!", context) == "Hi there!"


@pytest.mark.django_db
def test_a_one_word_name_is_also_the_first_name(ticket, agent):
    ticket.requester.name = "王小明"
    context = ticket_context(ticket, agent=agent, language="zh-hans")
    assert context["customer"]["first_name"] == "王小明"
    assert context["customer"]["last_name"] == ""


@pytest.mark.django_db
def test_the_status_is_shown_in_the_texts_language(ticket, agent):
    with translation.override("ru"):
        russian_new = str(ticket.status_label)
    context = ticket_context(ticket, agent=agent, language="ru")
    assert context["ticket"]["status"] == russian_new
    assert context["ticket"]["number"] == ticket.pk
    assert ticket_context(ticket, agent=agent, language="xx")["ticket"]["status"] == "New"


@pytest.mark.django_db
def test_the_sample_context_reads_no_ticket(agent, django_assert_num_queries):
    with django_assert_num_queries(0):
        context = sample_context(agent=agent, language="en")
    assert context["ticket"]["number"] == 1042
    assert _only_plain_values(context)
