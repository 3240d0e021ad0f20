import pytest

from rapport.core.language import detect_language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Where is my parcel? It was due on Monday.", "en"),
        ("Где моя посылка? Она должна была прийти в понедельник.", "ru"),
        ("Где је мој пакет? Требало је да стигне у понедељак.", "sr"),
        ("Gde je moj paket? Trebalo je da stigne u ponedeljak.", "sr"),
        ("我的包裹在哪里？应该星期一到的。", "zh-hans"),
        ("Де моя посилка? Вона мала прийти в понеділок.", "uk"),
        ("Wo ist mein Paket? Es sollte am Montag ankommen.", "de"),
        ("Hello", ""),
        ("", ""),
        ("12345 https://example.com/track?id=1 a@b.c", ""),
    ],
)
def test_detects_the_language_of_customer_text(text, expected):
    assert detect_language(text) == expected


def test_links_and_numbers_do_not_decide_the_language():
    text = "Посылка https://track.example.com/en/parcel/12345 так и не пришла, помогите"
    assert detect_language(text) == "ru"
