"""Article Markdown: safe HTML for pages, plain text for replies and the search index.

CommonMark plus tables, raw HTML off; whatever the renderer lets through is sanitised
again with the project's nh3 rules, so a renderer bug cannot open a hole on its own.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from rapport.core.sanitize import sanitize_html

_ALIGN_STYLE = re.compile(r"text-align:(left|right|center)")
_ALIGN_CLASSES = {"align-left", "align-right", "align-center"}


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    md.add_render_rule("image", _render_image_as_link)
    return md


def _render_image_as_link(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any
) -> str:
    """Articles show no images (the page's policy loads none from elsewhere): the image
    becomes a link to it, its alt text the link text."""
    token = tokens[idx]
    src = str(token.attrGet("src") or "")
    alt = html.escape(token.content or src)
    return f'<a href="{html.escape(src, quote=True)}">{alt}</a>'


def _cell_alignment_as_class(tokens: list[Token]) -> None:
    # The renderer aligns table cells with style="", which the CSP would ignore anyway.
    for token in tokens:
        if token.type in ("th_open", "td_open"):
            match = _ALIGN_STYLE.fullmatch(str(token.attrGet("style") or ""))
            token.attrs.pop("style", None)
            if match:
                token.attrSet("class", f"align-{match.group(1)}")


def _keep_alignment_classes(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "class":
        return value if value in _ALIGN_CLASSES else None
    return value


def render_markdown(text: str) -> str:
    """Markdown to sanitised HTML, safe to show as it is."""
    md = _parser()
    tokens = md.parse(text or "")
    _cell_alignment_as_class(tokens)
    return sanitize_article_html(md.renderer.render(tokens, md.options, {}))


def sanitize_article_html(raw: str) -> str:
    """The project's rules, plus the table cells' alignment classes."""
    return sanitize_html(
        raw,
        extra_attributes={"th": {"class"}, "td": {"class"}},
        attribute_filter=_keep_alignment_classes,
    )


def plain_text(text: str) -> str:
    """Readable text without markup: lists keep their bullets, links show their address,
    table cells are separated by " | "."""
    writer = _PlainWriter()
    writer.write(_parser().parse(text or ""))
    return writer.result()


class _PlainWriter:
    def __init__(self) -> None:
        self.blocks: list[str] = []
        self.lists: list[list[int]] = []  # one [counter] per open list; -1 for bullets
        self.row: list[str] | None = None
        self.prefix = ""

    def write(self, tokens: list[Token]) -> None:
        for token in tokens:
            self._block(token)

    def result(self) -> str:
        text = "\n".join(self.blocks).strip()
        return re.sub(r"\n{3,}", "\n\n", text)

    def _block(self, token: Token) -> None:
        kind = token.type
        if kind == "bullet_list_open":
            self.lists.append([-1])
        elif kind == "ordered_list_open":
            self.lists.append([int(token.attrGet("start") or 1)])
        elif kind in ("bullet_list_close", "ordered_list_close"):
            self.lists.pop()
            if not self.lists:
                self.blocks.append("")
        elif kind == "list_item_open":
            self.prefix = self._bullet()
        elif kind == "tr_open":
            self.row = []
        elif kind == "tr_close" and self.row is not None:
            self.blocks.append(" | ".join(self.row))
            self.row = None
        elif kind in ("table_close", "hr"):
            self.blocks.append("")
        elif kind == "inline":
            self._inline(token)
        elif kind in ("fence", "code_block"):
            self.blocks += [token.content.rstrip("\n"), ""]
        elif kind in ("paragraph_close", "heading_close") and not self.lists:
            self.blocks.append("")

    def _bullet(self) -> str:
        indent = "  " * (len(self.lists) - 1)
        counter = self.lists[-1]
        if counter[0] < 0:
            return f"{indent}- "
        counter[0] += 1
        return f"{indent}{counter[0] - 1}. "

    def _inline(self, token: Token) -> None:
        text = _inline_text(token.children or [])
        if self.row is not None:
            self.row.append(text)
            return
        self.blocks.append(self.prefix + text)
        self.prefix = ""


def _inline_text(children: list[Token]) -> str:
    parts: list[str] = []
    links: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "image":
            parts.append(child.content or str(child.attrGet("src") or ""))
        elif child.type in ("softbreak", "hardbreak"):
            parts.append("\n")
        elif child.type == "link_open":
            links.append(str(child.attrGet("href") or ""))
            parts.append("\0")  # where the link's text starts
        elif child.type == "link_close" and links:
            _close_link(parts, links.pop())
    return "".join(parts)


def _close_link(parts: list[str], href: str) -> None:
    start = len(parts) - 1 - parts[::-1].index("\0")
    label = "".join(parts[start + 1:])
    del parts[start:]
    shown = href.removeprefix("mailto:")
    parts.append(label if not href or shown == label else f"{label} ({href})")
