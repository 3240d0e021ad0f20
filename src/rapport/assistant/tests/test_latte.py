"""LATTE steps and the suggested closing, per language."""

import pytest

from rapport.assistant import latte_cues
from rapport.assistant.latte import check_latte, invites_back, suggest_closing

FULL = {
    "en": ("I understand how frustrating this is, and I'm sorry that the parcel is late. "
           "I have sent a replacement today. This happened because the courier lost the "
           "first one; you will receive a tracking link tonight. Thank you for your patience."),
    "ru": ("Понимаем ваше недовольство и приносим извинения. Мы уже отправили замену, "
           "это произошло потому, что первая посылка потерялась. Дальше вы получите трек-номер. "
           "Спасибо за терпение."),
    "zh-hans": ("非常抱歉给您带来不便，我理解您的心情。我们已经为您补发了商品，"
                "因为第一个包裹丢失了，接下来您将收到物流单号。感谢您的耐心。"),
    "sr": ("Разумем колико је ово непријатно и извињавамо се. Послали смо замену данас, "
           "зато што је први пакет изгубљен. Следеће: добићете број за праћење. "
           "Хвала на стрпљењу."),
}
BARE = {
    "en": "Your parcel is on its way.",
    "ru": "Ваша посылка в пути.",
    "zh-hans": "您的包裹正在运送中。",
    "sr": "Ваш пакет је на путу.",
}


@pytest.mark.parametrize("language", FULL)
def test_a_full_latte_reply_covers_every_step(language):
    result = check_latte(FULL[language], language)
    assert (result.listens, result.takes_action, result.thanks, result.explains) == (
        True, True, True, True)
    assert result.complete
    assert result.as_dict()["complete"] is True


@pytest.mark.parametrize("language", BARE)
def test_a_bare_reply_covers_none(language):
    result = check_latte(BARE[language], language)
    assert not any((result.listens, result.takes_action, result.thanks, result.explains,
                    result.invites_back))
    assert not result.complete


def test_each_step_is_checked_on_its_own():
    only_thanks = check_latte("Thanks for writing in. The parcel is on its way.", "en")
    assert (only_thanks.listens, only_thanks.takes_action, only_thanks.thanks,
            only_thanks.explains) == (False, False, True, False)
    wish = check_latte("We could send a new one, maybe.", "en")
    assert not wish.takes_action
    done = check_latte("Your refund has been issued.", "en")
    assert done.takes_action


@pytest.mark.parametrize("language", ["en", "ru", "zh-hans", "sr"])
def test_closing_lines_are_in_the_reply_language_and_invite_back(language):
    lines = latte_cues.CLOSINGS[language]
    assert len(lines) >= 3
    assert [suggest_closing(language, seed) for seed in range(len(lines))] == lines
    for line in lines:
        assert invites_back(f"{BARE[language]}\n\n{line}", language), line
    assert not invites_back(BARE[language], language)


def test_closing_suggestions_by_language():
    assert suggest_closing("ru").startswith("Если возникнут вопросы")
    assert suggest_closing("zh-hans").startswith("如有任何其他问题")
    assert suggest_closing("sr").startswith("Ако имате још питања")
    assert suggest_closing("de") == latte_cues.CLOSINGS["en"][0]


def test_an_invitation_counts_only_in_the_closing():
    opening = "Let me know your order number. " + "The parcel left the warehouse today. " * 20
    assert not invites_back(opening, "en")
    assert invites_back(opening + "Let me know if anything else comes up.", "en")
