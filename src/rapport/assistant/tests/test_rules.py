"""Built-in rules, the per-process rule cache, and rule validation."""

import pytest

from rapport.assistant import rulebook, services
from rapport.assistant.builtin_rules import BUILTIN_RULES, install_builtin_rules
from rapport.assistant.checking import find_phrases, reply_language
from rapport.assistant.forms import PhraseRuleForm
from rapport.assistant.models import PhraseRule
from rapport.assistant.tests.conftest import rule

pytestmark = pytest.mark.django_db


def phrases(text, language):
    return [(f.phrase, f.alternatives[0]) for f in find_phrases(text, rulebook.rules_for(language))]


def test_every_installation_has_the_builtin_rules_of_four_languages(builtin_rules):
    assert set(builtin_rules.values_list("language", flat=True)) == {"en", "ru", "zh-hans", "sr"}
    assert builtin_rules.count() == sum(len(rules) for rules in BUILTIN_RULES.values())
    unfortunately = rule("ru", "К сожалению")
    assert unfortunately.alternatives == ["В настоящий момент"]
    assert unfortunately.is_builtin
    assert unfortunately.enabled
    assert install_builtin_rules(PhraseRule) == 0  # idempotent


def test_the_article_table_is_flagged_in_russian(builtin_rules):
    text = ("К сожалению, товар пришёл с браком. Нет проблем, это естественно. "
            "Понимаю ваше беспокойство: проблему решим.")
    assert phrases(text, "ru") == [
        ("К сожалению", "В настоящий момент"), ("браком", "неисправность"),
        ("Нет проблем", "Пожалуйста"), ("естественно", "да"),
        ("беспокойство", "запрос"), ("проблему", "сложность"),
    ]


def test_each_language_has_its_own_rules(builtin_rules):
    assert phrases("Unfortunately it may be effective. You should have called.", "en") == [
        ("Unfortunately", "At the moment"), ("it may be effective", "it is effective"),
        ("You should have", "Next time, you can")]
    assert phrases("很遗憾，您必须等待。没问题！", "zh-hans") == [
        ("很遗憾", "目前"), ("您必须", "请您"), ("没问题", "很乐意为您效劳")]
    assert phrases("Нажалост, морате сачекати. Nema problema!", "sr") == [
        ("Нажалост", "Тренутно"), ("морате", "молимо вас да"), ("Nema problema", "Rado ću pomoći")]
    assert phrases("К сожалению", "de") == []  # no German rules: nothing to say


def test_disabling_and_adding_rules_takes_effect_at_once(builtin_rules, supervisor):
    assert phrases("К сожалению, нет.", "ru")  # compiled and cached now
    services.set_rule_enabled(rule("ru", "К сожалению"), enabled=False, actor=supervisor)
    assert phrases("К сожалению, нет.", "ru") == []

    added = PhraseRule(language="ru", phrase="Увы", alternatives=["Сейчас"], category="negative")
    services.save_rule(added, actor=supervisor)
    assert phrases("Увы, заказ задерживается.", "ru") == [("Увы", "Сейчас")]
    assert added.created_by == supervisor
    assert not added.is_builtin

    added.alternatives = ["В данный момент"]
    services.save_rule(added, actor=supervisor)
    assert phrases("Увы, нет.", "ru") == [("Увы", "В данный момент")]
    added.delete()
    assert phrases("Увы, нет.", "ru") == []


def test_the_cache_is_kept_between_checks(builtin_rules, django_assert_num_queries):
    rulebook.rules_for("ru")
    with django_assert_num_queries(0):
        for _ in range(3):
            phrases("К сожалению, нет.", "ru")
            phrases("Unfortunately not.", "en")


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"phrase": "   "}, "phrase", "This field is required."),
    ({"alternatives": "\n  \n"}, "alternatives", "Give at least one thing to say instead."),
    ({"phrase": "к  СОЖАЛЕНИЮ"}, "phrase", "This language already has a rule for this phrase."),
    ({"phrase": "...", }, "phrase", "The phrase needs at least one word."),
    ({"language": ""}, "language", "This field is required."),
])
def test_saving_validates_the_rule(builtin_rules, data, field, message):
    form = PhraseRuleForm({"language": "ru", "phrase": "Увы", "alternatives": "Сейчас",
                           "category": "negative", "explanation": "", **data})
    assert not form.is_valid()
    assert message in form.errors[field]


def test_the_same_phrase_may_exist_in_another_language_and_edits_keep_their_key(builtin_rules):
    form = PhraseRuleForm({"language": "RU_ru", "phrase": "К сожалению", "alternatives": "x",
                           "category": "negative"})
    assert form.is_valid(), form.errors
    edit = PhraseRuleForm({"language": "ru", "phrase": "к сожалению", "category": "negative",
                           "alternatives": "В настоящий момент\nСейчас\nСейчас", "enabled": "on"},
                          instance=rule("ru", "К сожалению"))
    assert edit.is_valid(), edit.errors
    assert edit.cleaned_data["alternatives"] == ["В настоящий момент", "Сейчас"]


def test_reply_language_falls_back_to_the_ticket_then_the_agent():
    assert reply_language("Unfortunately the parcel is late again.", "ru") == "en"
    assert reply_language("很遗憾", "en") == "zh-hans"
    assert reply_language("ok", "ru", "en") == "ru"
    assert reply_language("ok", "", "sr") == "sr"
    assert reply_language("ok", "zh", "en") == "zh-hans"
    assert reply_language("ok") == ""
