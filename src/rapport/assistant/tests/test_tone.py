"""The upset-customer scorer: clearly upset and clearly calm messages in four languages."""

import pytest

from rapport.assistant.tone import UPSET_AT, score_tone

UPSET = [
    ("en", "This is UNACCEPTABLE! I want a refund now, you are the worst shop ever!!"),
    ("en", "I'm really not happy. Third time I write, the service is terrible."),
    ("ru", "Это возмутительно! Сколько можно ждать? Верните деньги!"),
    ("ru", "Ужасно. Обман, а не магазин, буду писать жалобу!"),
    ("zh-hans", "太慢了！我要投诉，马上退钱！"),
    ("zh-hans", "你们的服务太差劲了，我非常生气，我对此很不满意。"),
    ("sr", "Ово је срамота! Вратите ми новац, ово је превара!"),
    ("sr", "Nažalost, ovo je užasno. Prevara! Neprihvatljivo!"),
]
CALM = [
    ("en", "Hi, could you tell me when my parcel will arrive? Thank you!"),
    ("en", "Thanks, that worked. Have a good day."),
    ("ru", "Здравствуйте, подскажите, пожалуйста, когда придёт мой заказ? Спасибо."),
    ("ru", "Спасибо большое, всё получила, очень довольна!"),
    ("zh-hans", "你好，请问我的订单什么时候发货？谢谢。"),
    ("zh-hans", "收到了，非常满意，谢谢你们！"),
    ("sr", "Поштовани, да ли можете да ми кажете када стиже пошиљка? Хвала."),
    ("sr", "Hvala, sve je stiglo, veoma sam zadovoljna."),
]


@pytest.mark.parametrize(("language", "text"), UPSET)
def test_clearly_upset_messages_are_upset(language, text):
    tone = score_tone(text, language)
    assert tone.is_upset, (tone.score, tone.signals)
    assert tone.score >= UPSET_AT


@pytest.mark.parametrize(("language", "text"), CALM)
def test_clearly_calm_messages_are_calm(language, text):
    tone = score_tone(text, language)
    assert not tone.is_upset, (tone.score, tone.signals)
    assert tone.score < 1.5


def test_word_forms_count_like_the_phrase():
    assert "word:Ужасный" in score_tone("Ужасный сервис", "ru").signals
    assert "word:užasno" in score_tone("Ovo je užasno", "sr").signals


def test_negated_praise_counts_and_plain_praise_does_not():
    assert "negated:happy" in score_tone("I am not happy with this", "en").signals
    assert "negated:satisfied" in score_tone("I'm not very satisfied", "en").signals
    assert "negated:满意" in score_tone("我不满意", "zh-hans").signals
    assert "negated:задовољан" in score_tone("Нисам задовољан", "sr").signals
    assert score_tone("I am happy with this", "en").score == 0


def test_shouting_and_exclamations_raise_the_score_an_acronym_does_not():
    shouting = score_tone("WHERE IS MY PARCEL", "en")
    assert shouting.score >= 2
    assert any(s.startswith("shouting") for s in shouting.signals)
    assert score_tone("My DHL parcel has arrived", "en").score == 0
    assert score_tone("Where is it?!!!", "en").score > score_tone("Where is it?", "en").score


def test_writing_again_without_an_answer_adds_up():
    text = "Any news on my order?"
    assert score_tone(text, "en").score == 0
    assert not score_tone(text, "en", repeated_contacts=1).is_upset
    assert score_tone("Still waiting. Any news?", "en", repeated_contacts=2).is_upset


def test_unknown_language_is_read_by_its_script():
    assert score_tone("Это возмутительно, верните деньги!", "").is_upset
    assert score_tone("太慢了！我要投诉！", "de").is_upset
    assert not score_tone("", "en").is_upset
