"""The phrase engine alone: word forms, scripts, offsets, overlaps (no database)."""

from rapport.assistant.checking import RuleInfo, find_phrases
from rapport.assistant.matching import PhraseMatcher, phrase_key


def matcher(language, *phrases):
    return PhraseMatcher([(p, p) for p in phrases], language)


def spans(found, text):
    return [(f.start, f.end, text[f.start:f.end], f.payload) for f in found]


def test_russian_phrase_matches_its_other_forms_in_any_case():
    text = "Проблемы с оплатой? Вашу проблему решим. Никаких проблем, ПРОБЛЕМА снята."
    found = spans(matcher("ru", "Проблема").find(text), text)
    assert [written for _, _, written, _ in found] == [
        "Проблемы", "проблему", "проблем", "ПРОБЛЕМА"]


def test_serbian_matches_in_both_scripts():
    text = "Нажалост, проблеми. Nažalost, problemi su rešeni; imamo problem."
    found = spans(matcher("sr", "Нажалост", "Проблем").find(text), text)
    assert [(written, rule) for _, _, written, rule in found] == [
        ("Нажалост", "Нажалост"), ("проблеми", "Проблем"), ("Nažalost", "Нажалост"),
        ("problemi", "Проблем"), ("problem", "Проблем"),
    ]


def test_english_apostrophes_split_the_same_in_rule_and_text():
    text = "Sorry, you can’t change it. You cannot. You can't. Can you?"
    found = spans(matcher("en", "you can't", "you cannot").find(text), text)
    assert [(w, r) for _, _, w, r in found] == [
        ("you can’t", "you can't"), ("You cannot", "you cannot"), ("You can't", "you can't")]


def test_a_derived_word_is_not_an_inflection():
    text = "I hope this helps. Hopefully it does."
    found = spans(matcher("en", "hopefully").find(text), text)
    assert [w for _, _, w, _ in found] == ["Hopefully"]


def test_phrase_words_must_be_in_one_sentence():
    text = "No. Problem solved, no problem at all."
    found = spans(matcher("en", "no problem").find(text), text)
    assert [(s, w) for s, _, w, _ in found] == [(20, "no problem")]


def test_chinese_is_matched_as_substrings_without_spaces():
    text = "很遗憾，您的订单延迟了。我们很遗憾地通知您：没问题。"
    found = spans(matcher("zh-hans", "很遗憾", "没问题").find(text), text)
    assert [(s, e, w) for s, e, w, _ in found] == [
        (0, 3, "很遗憾"), (14, 17, "很遗憾"), (22, 25, "没问题")]


def test_longest_phrase_wins_and_matches_never_overlap():
    text = "Нет проблем! Это не проблема."
    found = spans(matcher("ru", "Проблема", "Нет проблем").find(text), text)
    assert [(w, r) for _, _, w, r in found] == [("Нет проблем", "Нет проблем"),
                                                  ("проблема", "Проблема")]
    zh = "不可能不可能"
    assert [(f.start, f.end) for f in matcher("zh-hans", "不可能", "可能").find(zh)] == [
        (0, 3), (3, 6)]


def test_offsets_are_exact_in_mixed_text_with_emoji_and_punctuation():
    text = "👋 Hi Anna — «К сожалению», (order #12): к сожалению… ok; 很遗憾!"
    found = matcher("ru", "К сожалению").find(text)
    assert [text[f.start:f.end] for f in found] == ["К сожалению", "к сожалению"]
    assert [(f.start, f.end) for f in found] == [(13, 24), (40, 51)]


def test_phrase_key_ignores_case_and_word_form():
    assert phrase_key("К сожалению", "ru") == phrase_key("к  сожалению", "ru")
    assert phrase_key("Проблемы", "ru") == phrase_key("проблема", "ru")
    assert phrase_key("Нажалост", "sr") == phrase_key("nažalost", "sr")
    assert phrase_key("很遗憾", "zh-hans") == "很遗憾"
    assert phrase_key("!!!", "en") == ""


def info(pk, phrase, *alternatives):
    return RuleInfo(pk, phrase, alternatives, "negative", "")


def test_findings_fit_the_sentence_and_the_script():
    russian = PhraseMatcher([("К сожалению", info(1, "К сожалению", "В настоящий момент"))],
                            "ru")
    found = find_phrases("Здравствуйте! К сожалению, нет. Пока, к сожалению, нет.", russian)
    assert [(f.phrase, f.alternatives) for f in found] == [
        ("К сожалению", ("В настоящий момент",)), ("к сожалению", ("в настоящий момент",))]
    assert found[0].as_dict() == {
        "rule_id": 1, "start": 14, "end": 25, "phrase": "К сожалению",
        "alternatives": ["В настоящий момент"], "category": "negative", "explanation": ""}

    english = PhraseMatcher(
        [("I don't know", info(2, "I don't know", "let me find out", "I'll check"))], "en")
    found = find_phrases("Well, I don't know. I don't know yet.", english)
    assert [f.alternatives for f in found] == [
        ("let me find out", "I'll check"), ("Let me find out", "I'll check")]

    serbian = PhraseMatcher([("Нажалост", info(3, "Нажалост", "Тренутно"))], "sr")
    assert [f.alternatives for f in find_phrases("Nažalost, ne. Нажалост, не.", serbian)] == [
        ("Trenutno",), ("Тренутно",)]
