"""Mail HTML as the agent will see it: nothing runs, nothing loads until asked."""

from pathlib import Path

import pytest

from rapport.channels.email.htmlbody import meta_charset, sanitise_email_html
from rapport.channels.email.parsing import parse_message

EML = Path(__file__).parent / "fixtures" / "eml"


@pytest.fixture(scope="module")
def hostile():
    return parse_message((EML / "en_html_hostile_cid.eml").read_bytes())


@pytest.mark.parametrize(
    "forbidden",
    [
        "<script",
        "alert(",
        "document.cookie",
        "onload",
        "onerror",
        "onclick",
        "javascript:",
        "data:image",
        "<form",
        "<input",
        "<button",
        "<iframe",
        "evil.example",
        "/admin/delete",
        "<style",
        "color:red",
        "Newsletter title",
        ' src="',
    ],
)
def test_nothing_unsafe_survives(hostile, forbidden):
    assert forbidden not in hostile.html


def test_formatting_and_safe_links_survive(hostile):
    assert "<p>Hello, the invoice <b>INV-2026-11</b> is wrong.</p>" in hostile.html
    assert '<a href="https://acme.example/help" rel="noopener noreferrer nofollow">' in hostile.html


def test_remote_image_becomes_a_placeholder_loaded_on_click(hostile):
    assert (
        '<span data-remote-src="https://tracker.example/pixel.gif?u=42" title=""></span>'
        in hostile.html
    )
    assert "<img" not in hostile.html.replace('<img data-cid="logo@acme.example"', "")


def test_cid_image_points_at_its_attachment(hostile):
    assert '<img data-cid="logo@acme.example" alt="ACME logo">' in hostile.html
    (logo,) = hostile.attachments
    assert logo.content_id == "logo@acme.example"
    assert logo.is_inline
    assert logo.content.startswith(b"\x89PNG\r\n\x1a\n")


def test_text_version_comes_from_the_html(hostile):
    assert hostile.text.startswith("Hello, the invoice INV-2026-11 is wrong.")
    assert "alert" not in hostile.text
    assert "Newsletter title" not in hostile.text


def test_attachment_not_shown_inline_is_not_marked_inline():
    parsed = parse_message((EML / "nested_mixed_related_alternative.eml").read_bytes())
    assert [(a.filename, a.is_inline) for a in parsed.attachments] == [
        ("screen.png", True),
        ("invoice.pdf", False),
    ]


def test_unknown_cid_is_dropped_with_a_defect():
    html, used, defects = sanitise_email_html('<p>x<img src="cid:missing@x" alt="gone"></p>', {})
    assert html == "<p>xgone</p>"
    assert used == set()
    assert defects == ["inline image cid:missing@x has no matching part"]


def test_cid_lookup_is_case_insensitive_and_url_decoded():
    html, used, _ = sanitise_email_html(
        '<img src="cid:Part1%2EABC@Mail" width="10">', {"part1.abc@mail": "Part1.ABC@mail"}
    )
    assert html == '<img data-cid="Part1.ABC@mail" alt="" width="10">'
    assert used == {"Part1.ABC@mail"}


@pytest.mark.parametrize(
    "attack",
    [
        '<img src="https://x.example/a.png" onerror="alert(1)">',
        '<img src=x onerror=alert(1)//">',
        '<svg><img src="https://x.example/a" /></svg>',
        '<a href="jav&#x09;ascript:alert(1)">x</a>',
        '<img src="https://x.example/&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">',
        '<span data-remote-src="javascript:alert(1)">x</span>',
        '<img data-cid="x" src="https://x.example/a">',
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    ],
)
def test_crafted_markup_cannot_escape(attack):
    html, _, _ = sanitise_email_html(attack, {})
    assert "alert(1)" not in html.replace("&lt;script&gt;alert(1)&lt;/script&gt;", "")
    assert "<script" not in html
    assert "javascript" not in html
    assert " src=" not in html


def test_meta_charset_is_found_near_the_start():
    assert meta_charset(b'<html><head><meta charset="koi8-r">') == "koi8-r"
    assert meta_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=gbk">') == (
        "gbk"
    )
    assert meta_charset(b"<p>no meta</p>") is None
    assert meta_charset(b" " * 5000 + b'<meta charset="koi8-r">') is None
