import random
import re
import string
from datetime import date

import pytest

from rapport.demo.roster import LANGUAGES
from rapport.demo.scenarios import SCENARIOS
from rapport.demo.texts import (
    PLACEHOLDERS,
    SCENARIO_PARTS,
    agent_message,
    catalog,
    customer_message,
    fill,
)

CTX = {name: f"<{name}>" for name in PLACEHOLDERS}


def all_templates(cat):
    for part in ("customer", "agent"):
        for key, values in cat.data[part].items():
            for value in values:
                yield f"{part}.{key}", value
    for key in SCENARIOS:
        scenario = cat.scenario(key)
        for part in SCENARIO_PARTS:
            for value in scenario[part]:
                yield f"{key}.{part}", value
        yield f"{key}.summary", scenario["summary"]


def placeholders(template):
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_scenario_has_every_part(language):
    cat = catalog(language)
    assert cat.data["language"] == language
    for key in SCENARIOS:
        scenario = cat.scenario(key)
        for part in SCENARIO_PARTS:
            assert scenario[part], f"{language} {key} has no {part}"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("gender", ["m", "f"])
def test_every_template_renders_without_leftovers(language, gender):
    for where, template in all_templates(catalog(language)):
        assert placeholders(template) <= PLACEHOLDERS, where
        text = fill(template, CTX, gender)
        assert not set("[]|{}") & set(text), f"{where}: markup left in {text}"


def test_gender_markup_picks_the_writers_form():
    assert fill("Я [проверил|проверила] {order}.", {"order": "NP-1"}, "f") == \
        "Я проверила NP-1."
    assert fill("Я [проверил|проверила] {order}.", {"order": "NP-1"}, "m") == \
        "Я проверил NP-1."
    with pytest.raises(KeyError):
        fill("{nope}", {})


@pytest.mark.parametrize(("language", "expected_date", "expected_money"), [
    ("en", "March 5", "€49.90"), ("ru", "5 марта", "49,90 €"),
    ("zh-hans", "3月5日", "49.90 欧元"), ("sr", "5. марта", "49,90 €"),
])
def test_dates_and_money_per_language(language, expected_date, expected_money):
    cat = catalog(language)
    assert cat.date(date(2026, 3, 5)) == expected_date
    assert cat.money(4990) == expected_money


def test_messages_have_greeting_and_signoff_except_in_chat():
    cat, ctx = catalog("sr"), {**CTX, "first": "Ана", "name": "Ана Ђорђевић", "agent": "Милица"}
    body = "[Проверио|Проверила] сам."
    reply = agent_message(cat, random.Random(1), body, ctx, gender="f", addressee="f")
    assert "Проверила сам." in reply
    assert reply.count("\n\n") >= 2
    assert "Милица" in reply  # signed
    chat = customer_message(cat, random.Random(1), "Здраво", ctx, gender="f", chat=True)
    assert chat == "Здраво"


def test_other_languages_are_not_english():
    cyrillic, han = re.compile(r"[\u0400-\u04ff]"), re.compile(r"[\u4e00-\u9fff]")
    for language, script in (("ru", cyrillic), ("sr", cyrillic), ("zh-hans", han)):
        for where, template in all_templates(catalog(language)):
            if where.endswith("signoffs") or template.strip().startswith("{"):
                continue
            assert script.search(template), f"{language} {where}: {template}"
