"""The chat widget's files, checked without a browser: size, syntax, dangerous calls, the
English fallback of every text, and the demo shop page's contract with its view."""

from __future__ import annotations

import gzip
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.template.loader import render_to_string

CHAT = Path(__file__).resolve().parent.parent
WIDGET = CHAT / "static" / "chat" / "widget.js"
DEMO_CSS = CHAT / "static" / "chat" / "demo_shop.css"
DEMO_TEMPLATE = CHAT / "templates" / "chat" / "demo_shop.html"

# The whole widget (behaviour, styles and English texts) in one request. Readable source
# is served as is (no build step); whitenoise also serves it pre-compressed.
MAX_RAW_BYTES = 48 * 1024
MAX_GZIP_BYTES = 15 * 1024

# Ways to turn a string into code or markup. The widget builds every node with DOM calls
# and inserts text from the network only as text, so none of them may appear at all.
FORBIDDEN = {
    "eval": r"\beval\s*\(",
    "new Function": r"\bnew\s+Function\b",
    "Function(": r"(?<![\w.])Function\s*\(",
    "innerHTML": r"\binnerHTML\b",
    "outerHTML": r"\bouterHTML\b",
    "insertAdjacentHTML": r"\binsertAdjacentHTML\b",
    "document.write": r"\bdocument\.write(?:ln)?\b",
    "DOMParser": r"\bDOMParser\b",
    "createContextualFragment": r"\bcreateContextualFragment\b",
    "srcdoc": r"\bsrcdoc\b",
    "string timer": r"\bset(?:Timeout|Interval)\s*\(\s*[\"'`]",
    "javascript: URL": r"javascript:",
    "style attribute": r"setAttribute\(\s*[\"']style[\"']",
    "import": r"^\s*import\b|\bimport\s*\(|\brequire\s*\(",
}


@pytest.fixture(scope="module")
def source() -> str:
    assert WIDGET.exists(), f"{WIDGET} is missing"
    return WIDGET.read_text(encoding="utf-8")


def _code_only(source: str) -> str:
    """The source without comments, so a comment may name what the code must not do."""
    without_blocks = re.sub(r"/\*.*?\*/", "", source, flags=re.DOTALL)
    return re.sub(r"(?m)^\s*//.*$|(?<=[;,{}()\s])//[^\n\"'`]*$", "", without_blocks)


def test_widget_fits_the_size_budget(source):
    raw = source.encode("utf-8")
    compressed = gzip.compress(raw, compresslevel=9)
    assert len(raw) <= MAX_RAW_BYTES, f"widget.js is {len(raw)} bytes, budget {MAX_RAW_BYTES}"
    assert len(compressed) <= MAX_GZIP_BYTES, (
        f"widget.js is {len(compressed)} bytes gzipped, budget {MAX_GZIP_BYTES}"
    )


def test_node_parses_the_widget():
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed; the widget's syntax cannot be checked")
    result = subprocess.run(  # noqa: S603
        [node, "--check", str(WIDGET)], capture_output=True, text=True, timeout=30, check=False
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("name", sorted(FORBIDDEN))
def test_widget_never_turns_strings_into_code_or_markup(source, name):
    found = re.search(FORBIDDEN[name], _code_only(source), flags=re.MULTILINE)
    assert found is None, f"widget.js uses {name}: {found.group(0)!r}"


def test_the_scan_would_see_a_forbidden_call():
    # Guards the scan itself: a pattern that matched nothing would pass forever.
    planted = 'const x = 1;\nnode.innerHTML = frame.text;\nsetTimeout("go()", 5);\n'
    hits = [name for name, pattern in FORBIDDEN.items()
            if re.search(pattern, _code_only(planted), flags=re.MULTILINE)]
    assert hits == ["innerHTML", "string timer"]
    assert "innerHTML" not in _code_only("// never innerHTML\n/* nor innerHTML */ x();")


def test_widget_loads_nothing_from_third_parties(source):
    urls = set(re.findall(r"https?://[^\s\"'`)]+", _code_only(source)))
    assert urls <= {"http://www.w3.org/2000/svg"}, urls  # the SVG namespace is a name only


def _english_texts(source: str) -> set[str]:
    block = re.search(r"const EN = \{(.*?)\n  \};", source, flags=re.DOTALL)
    assert block, "widget.js has no EN fallback table"
    return set(re.findall(r"(\w+):\s*\"", block.group(1)))


def test_every_text_the_widget_shows_has_an_english_fallback(source):
    used = set(re.findall(r"\bt\(\s*\"(\w+)\"", source))
    assert len(used) > 20, "the text lookup pattern no longer matches: fix this test"
    missing = used - _english_texts(source)
    assert not missing, f"texts without an English fallback in EN: {sorted(missing)}"


def test_demo_shop_has_no_inline_script_or_style():
    # Rapport's Content-Security-Policy (script-src/style-src 'self') would block them.
    page = DEMO_TEMPLATE.read_text(encoding="utf-8")
    for script in re.findall(r"<script\b[^>]*>(.*?)</script>", page, flags=re.DOTALL | re.I):
        assert script.strip() == "", "inline script in demo_shop.html"
    assert all("src=" in tag for tag in re.findall(r"<script\b[^>]*>", page, flags=re.I))
    assert not re.search(r"<style\b", page, flags=re.I), "<style> in demo_shop.html"
    assert not re.search(r"\sstyle\s*=", page, flags=re.I), "style attribute in demo_shop.html"
    assert not re.search(r"\son[a-z]+\s*=", page, flags=re.I), "event handler attribute"
    assert DEMO_CSS.exists()


def test_demo_shop_embeds_the_widget_as_a_customer_site_would():
    page = render_to_string("chat/demo_shop.html", {
        "widget_url": "https://help.example.com/static/chat/widget.js",
        "site_key": "Key_with-chars",
    })
    tag = re.search(r"<script\b[^>]*>", page)
    assert tag is not None
    assert 'src="https://help.example.com/static/chat/widget.js"' in tag.group(0)
    assert 'data-site="Key_with-chars"' in tag.group(0)
    assert "async" in tag.group(0)
    assert re.search(r'<link rel="stylesheet" href="[^"]*/chat/demo_shop\.css"', page)
    assert "Northwind Parcel" in page
