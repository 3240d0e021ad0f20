"""Quoted-reply separation, on replies written the way each mail client writes them.

Each sample under fixtures/quotes/ is `<name>.txt` and/or `<name>.html` (the
reply's parts), `<name>.new` (the exact new text expected) and, when the sender
signed, `<name>.sig` (the exact signature expected).
"""

import time
from pathlib import Path

import pytest

from rapport.channels.email.quotes import html_to_quoted_text, split_reply, split_text

FIXTURES = Path(__file__).parent / "fixtures" / "quotes"

# What should mark the start of the quote in each sample (None: nothing does).
EXPECTED_RULE = {
    "gmail_en": "wrote_en",
    "gmail_en_wrapped": "wrote_en",
    "gmail_ru": "dated_address",
    "gmail_zh": "wrote_zh",
    "gmail_sr": "wrote_sr",
    "gmail_sr_latin": "wrote_sr",
    "outlook_en_original": "original_message",
    "outlook_en_header": "header_block",
    "outlook_ru": "header_block",
    "outlook_zh": "header_block",
    "outlook_sr": "header_block",
    "outlook_sr_latin": "header_block",
    "apple_en": "wrote_en",
    "apple_ru": "quote_marker",
    "apple_ru_unquoted_attribution": "wrote_ru",
    "apple_zh": "quote_marker",
    "apple_sr_unquoted_attribution": "wrote_sr",
    "yandex_ru": "dated_address",
    "mailru_ru": "dated_address",
    "qq_zh": "original_message",
    "qq_en": "original_message",
    "thunderbird_en": "wrote_en",
    "thunderbird_ru": "wrote_ru",
    "thunderbird_zh": "wrote_zh",
    "thunderbird_sr": "wrote_sr",
    "quote_marker_en": "quote_marker",
    "signature_dashes_en": "wrote_en",
    "mobile_sr": "wrote_sr",
    "no_quote_ru": None,
    "bottom_post_en": "wrote_en",
    "interleaved_en": "interleaved",
    "forward_en": None,
    "prose_wrote_en": None,
    # HTML: quote containers become ">"-marked lines; Outlook desktop and QQ leave
    # only their header block or separator, found in the text.
    "gmail_en_html": "quote_marker",
    "gmail_ru_html": "quote_marker",
    "gmail_zh_both": "quote_marker",
    "gmail_sr_html": "quote_marker",
    "outlook_en_html": "quote_marker",
    "outlook_zh_html": "quote_marker",
    "outlook_desktop_ru_html": "header_block",
    "outlook_desktop_sr_html": "header_block",
    "apple_en_html": "quote_marker",
    "thunderbird_en_html": "wrote_en",
    "thunderbird_sr_html": "wrote_sr",
    "yandex_ru_html": "dated_address",
    "mailru_ru_html": "quote_marker",
    "qq_zh_html": "original_message",
    "qq_origbody_zh_html": "quote_marker",
    "no_quote_sr_html": None,
}


def _samples() -> list[str]:
    return sorted({path.stem for path in FIXTURES.iterdir() if path.suffix in (".txt", ".html")})


def _read(name: str, suffix: str) -> str | None:
    path = FIXTURES / f"{name}{suffix}"
    return path.read_text(encoding="utf-8") if path.exists() else None


def test_the_corpus_is_large_and_every_sample_has_an_expectation():
    samples = _samples()
    assert len(samples) >= 30
    assert set(samples) == set(EXPECTED_RULE)
    for name in samples:
        assert (FIXTURES / f"{name}.new").exists(), name


@pytest.mark.parametrize("name", _samples())
def test_sample_new_text_signature_and_rule(name):
    text = _read(name, ".txt") or ""
    html = _read(name, ".html")
    expected_signature = (_read(name, ".sig") or "").removesuffix("\n") or None

    result = split_reply(text, html)

    assert result.new_text == _read(name, ".new").removesuffix("\n")
    assert result.signature == expected_signature
    assert result.rule == EXPECTED_RULE[name]
    if result.rule not in (None, "interleaved"):
        assert result.quoted_text, "a detected quote keeps the history"


def test_the_quoted_history_starts_at_the_attribution_and_keeps_every_quoted_line():
    result = split_reply(_read("gmail_en", ".txt"))

    assert result.quoted_text.startswith("On Mon, 5 Jan 2026 at 10:14, Rapport Support")
    assert result.quoted_text.endswith("> Support")


def test_outlook_rule_line_goes_with_the_quoted_header_block():
    result = split_reply(_read("outlook_en_header", ".txt"))

    assert result.quoted_text.splitlines()[0] == "________________________________"
    assert "Subject: Your documents" in result.quoted_text


def test_bottom_post_keeps_the_answer_and_quotes_what_is_above_it():
    result = split_reply(_read("bottom_post_en", ".txt"))

    assert result.quoted_text.splitlines() == [
        "On Thu, 8 Jan 2026 at 11:00, Rapport Support <support@rapport.example> wrote:",
        "> Which version are you using?",
    ]


def test_windows_line_endings_split_the_same():
    text = _read("gmail_ru", ".txt").replace("\n", "\r\n")

    assert split_reply(text).new_text == _read("gmail_ru", ".new").removesuffix("\n")


def test_without_any_marker_the_whole_text_is_new_and_nothing_is_quoted():
    result = split_reply("Just one line.\n")

    assert (result.new_text, result.quoted_text, result.signature, result.rule) == (
        "Just one line.",
        "",
        None,
        None,
    )


def test_text_is_used_when_the_html_has_no_quote_and_html_when_there_is_no_text():
    text = "Thanks!\n\nOn Mon, 5 Jan 2026 at 10:14, Anna <anna@example.com> wrote:\n> hi\n"

    assert split_reply(text, "<p>Thanks!</p><p>On Monday</p>").rule == "wrote_en"
    assert split_reply("", "<p>Only <b>HTML</b> here</p>").new_text == "Only HTML here"


def test_a_loose_double_dash_before_a_long_text_is_not_a_signature():
    body = "Steps:\n--\n" + "\n".join(f"step {n}" for n in range(12))

    result = split_text(body)

    assert result.signature is None
    assert result.new_text == body


def test_a_mobile_line_in_the_middle_is_not_a_signature():
    body = "Sent from my iPhone\nbut the app crashes on my iPad too."

    assert split_text(body).signature is None


@pytest.mark.parametrize(
    "line",
    [
        "On " + "1" * 100_000 + " wrote",
        "пн, " + "1:00 " * 20_000 + "<a@b",
        "> " * 50_000,
        "<div>" * 20_000,
    ],
)
def test_hostile_input_is_handled_quickly(line):
    started = time.perf_counter()
    split_reply(line + "\n" + "x" * 1000, html=line)
    assert time.perf_counter() - started < 1.0


def test_html_quote_containers_are_marked_and_scripts_dropped():
    html = (
        "<style>p{}</style><p>New</p><div class='x_gmail_quote'><p>old</p>"
        "<blockquote><p>older</p></blockquote></div><script>evil()</script><p>tail</p>"
    )

    assert html_to_quoted_text(html).splitlines() == [
        "New",
        "",
        "> old",
        ">",
        ">> older",
        ">>",
        "tail",
    ]


def test_html_marker_of_outlook_quotes_everything_after_it():
    html = "<div>Reply</div><div id='appendonsend'></div><div>From: x</div><p>old</p>"

    assert html_to_quoted_text(html).splitlines() == ["Reply", "> From: x", "> old"]


def test_html_preformatted_text_keeps_its_lines():
    assert html_to_quoted_text("<pre>a  b\n  c</pre>") == "a  b\n  c"
