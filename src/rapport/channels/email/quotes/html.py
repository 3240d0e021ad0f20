"""Turn a reply's HTML into text in which every quote container is `>`-marked.

Mail clients mark quoted history in HTML more reliably than in text: a
`<blockquote>` (Apple Mail, Thunderbird, Yandex, Mail.ru), Gmail's
`div.gmail_quote`, Mail.ru's `div.mail-quote-collapse`, QQ's `#origbody`. Outlook
instead leaves an empty marker (`#appendonsend`) or a header block
(`#divRplyFwdMsg`) and puts the old message *after* it, so everything from such a
marker to the end counts as quoted. Writing the result as `>`-marked text lets
one splitter (split.py) handle HTML and text replies alike.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Outlook on the web forwards ids and classes prefixed with "x_" (once per hop).
_OUTLOOK_PREFIX = re.compile(r"^(?:x_)+")

QUOTE_CLASSES = frozenset(
    {
        "gmail_quote",
        "gmail_quote_container",
        "yahoo_quoted",
        "protonmail_quote",
        "mail-quote-collapse",
    }
)
QUOTE_IDS = frozenset({"origbody", "isreplycontent", "reply139content"})
REST_IS_QUOTED_IDS = frozenset(
    {
        "appendonsend",
        "divrplyfwdmsg",
        "orimsghtmlseperator",
        "mail-editor-reference-message-container",
    }
)
BLOCK_TAGS = frozenset(
    "address article blockquote br dd div dl dt footer h1 h2 h3 h4 h5 h6 header hr li ol p pre"
    " section table tr ul".split()
)
PARAGRAPH_TAGS = frozenset(
    {"blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "ol", "p", "pre", "table", "ul"}
)
SKIPPED_TAGS = frozenset({"head", "script", "style", "title", "template"})
VOID_TAGS = frozenset("area base br col embed hr img input link meta source track wbr".split())
_SPACES = re.compile(r"[ \t\r\n\f\v\xa0\u200b]+")


class _QuoteMarkingParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[tuple[int, str]] = []
        self._open: list[tuple[str, bool]] = []  # (tag, is a quote container)
        self._skipping = 0
        self._pre = 0
        self._rest_is_quoted = False
        self._buffer: list[str] = []
        self._buffer_depth = 0
        self._blank_block = False  # a block holding only &nbsp; shows as a blank line

    @property
    def depth(self) -> int:
        nested = sum(1 for _, quote in self._open if quote)
        return nested + (1 if self._rest_is_quoted else 0)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self._flush(keep_empty=True)
        elif tag in BLOCK_TAGS:
            self._flush()
        if tag in VOID_TAGS:
            return
        names = _names(attrs, "class") | _names(attrs, "id")
        if names & REST_IS_QUOTED_IDS:
            self._rest_is_quoted = True
        is_quote = tag == "blockquote" or bool(names & (QUOTE_CLASSES | QUOTE_IDS))
        self._open.append((tag, is_quote))
        if tag in SKIPPED_TAGS:
            self._skipping += 1
        if tag == "pre":
            self._pre += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in BLOCK_TAGS:
            self._flush()
            if tag in PARAGRAPH_TAGS:
                self.lines.append((self.depth, ""))
        if not any(open_tag == tag for open_tag, _ in self._open):
            return  # a stray end tag: ignore it, as browsers do
        while self._open:
            open_tag, _ = self._open.pop()
            if open_tag in SKIPPED_TAGS:
                self._skipping -= 1
            if open_tag == "pre":
                self._pre -= 1
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._skipping:
            return
        if self._pre:
            for number, piece in enumerate(data.split("\n")):
                if number:
                    self._flush(keep_empty=True)
                self._append(piece)
            return
        text = _SPACES.sub(" ", data)
        if not self._buffer:
            text = text.lstrip()
            self._blank_block = self._blank_block or (not text and "\xa0" in data)
        if text:
            self._append(text)

    def _append(self, text: str) -> None:
        if not self._buffer:
            self._buffer_depth = self.depth
        self._buffer.append(text)

    def _flush(self, keep_empty: bool = False) -> None:
        if self._buffer:
            self.lines.append((self._buffer_depth, "".join(self._buffer).rstrip()))
        elif keep_empty or self._blank_block:
            self.lines.append((self.depth, ""))
        self._buffer = []
        self._blank_block = False

    def close(self) -> None:
        super().close()
        self._flush()


def _names(attrs: list[tuple[str, str | None]], attribute: str) -> set[str]:
    for name, value in attrs:
        if name == attribute and value:
            return {_OUTLOOK_PREFIX.sub("", item.lower()) for item in value.split()}
    return set()


def html_to_quoted_text(html: str) -> str:
    """Plain text of `html`, each line inside a quote container prefixed by `>`."""
    parser = _QuoteMarkingParser()
    parser.feed(html)
    parser.close()
    rendered: list[str] = []
    for depth, line in parser.lines:
        prefix = ">" * depth
        text = f"{prefix} {line}" if prefix and line else prefix + line
        if not line and rendered and rendered[-1] == text:
            continue  # one blank line is enough between blocks
        rendered.append(text)
    while rendered and not rendered[-1].strip("> "):
        rendered.pop()
    return "\n".join(rendered).strip("\n")
