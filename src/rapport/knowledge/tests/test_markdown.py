import re

import pytest

from rapport.knowledge.markdown import plain_text, render_markdown, sanitize_article_html


def attributes_of(html: str, tag: str) -> list[str]:
    return re.findall(rf"<{tag}\b([^>]*)>", html)


@pytest.mark.parametrize("hostile", [
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](  javascript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<javascript:alert(1)>",
    "[x](vbscript:msgbox(1))",
    "![x](javascript:alert(1))",
])
def test_no_dangerous_link_survives(hostile):
    html = render_markdown(hostile)
    urls = re.findall(r'(?:href|src)\s*=\s*"([^"]*)"', html, re.IGNORECASE)
    for url in urls:
        assert re.match(r"(https?:|mailto:|tel:|/|#|[\w.-]+(/|$))", url), url
    assert not re.search(r"<a[^>]+(javascript|vbscript|data):", html, re.IGNORECASE)


@pytest.mark.parametrize("hostile", [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<div><p onclick='alert(1)'>nested <b>html</b></p></div>",
    '<a href="javascript:alert(1)">click</a>',
    "<iframe src='https://evil.example'></iframe>",
    "<svg onload=alert(1)>",
    "```\n<script>alert(1)</script>\n```",
    "`<img src=x onerror=alert(1)>`",
])
def test_raw_html_is_text_not_markup(hostile):
    html = render_markdown(hostile)
    assert "<script" not in html
    assert "<img" not in html
    assert "<iframe" not in html
    assert "<svg" not in html
    assert not re.search(r"<[a-z]+[^>]*\son[a-z]+=", html)


def test_links_get_safe_rel_and_autolinks_work():
    html = render_markdown("See <https://example.com/track> and [help](https://help.example/a).")
    anchors = attributes_of(html, "a")
    assert len(anchors) == 2
    for attrs in anchors:
        assert 'rel="noopener noreferrer nofollow"' in attrs
    assert 'href="https://example.com/track"' in html


def test_formatting_lists_and_tables_are_kept():
    html = render_markdown(
        "# Title\n\n**bold** and *it*\n\n- one\n- two\n\n"
        "| Region | Days |\n|:--|--:|\n| UK | 1–2 |\n"
    )
    assert "<h1>Title</h1>" in html
    assert "<strong>bold</strong>" in html
    assert "<em>it</em>" in html
    assert "<ul>" in html
    assert "<li>one</li>" in html
    assert '<td class="align-right">1–2</td>' in html
    assert "style=" not in html  # the CSP would ignore inline styles


def test_an_image_becomes_a_link_to_it():
    html = render_markdown("![Label of the parcel](https://example.com/label.png)")
    assert "<img" not in html
    assert '<a href="https://example.com/label.png"' in html
    assert ">Label of the parcel</a>" in html


def test_the_second_line_of_defence_strips_what_a_renderer_bug_could_emit():
    html = sanitize_article_html(
        '<table><tr><td class="evil" onclick="x()">a</td><td class="align-right">b</td></tr>'
        '</table><script>alert(1)</script><a href="javascript:alert(1)" onmouseover="x()">l</a>'
        '<img src="x" onerror="alert(1)"><p style="color:red">p</p>'
    )
    assert 'class="evil"' not in html
    assert "onclick" not in html
    assert '<td class="align-right">b</td>' in html
    assert "<script" not in html
    assert "alert(1)" not in html
    assert "javascript:" not in html
    assert "onmouseover" not in html
    assert "<img" not in html
    assert "style=" not in html


def test_plain_text_is_readable():
    text = plain_text(
        "# Returns\n\nSend it **back** within [30 days](https://shop.example/returns).\n\n"
        "1. Pack it\n2. Print the label\n   - keep the receipt\n\n"
        "| Region | Days |\n|---|---|\n| UK | 1–2 |\n\n<script>x</script>\n"
    )
    assert "**" not in text
    assert "#" not in text
    assert "Send it back within 30 days (https://shop.example/returns)." in text
    assert "1. Pack it\n2. Print the label\n  - keep the receipt" in text
    assert "Region | Days\nUK | 1–2" in text
    assert text.startswith("Returns\n\nSend it")


def test_plain_text_of_nothing_is_empty():
    assert plain_text("") == ""
    assert render_markdown("") == ""
