"""Separate the new part of an email reply from the quoted history (issue 3, item 8)."""

from __future__ import annotations

from .html import html_to_quoted_text
from .split import SplitReply, split_text

__all__ = ["SplitReply", "html_to_quoted_text", "split_reply", "split_text"]


def split_reply(text: str, html: str | None = None) -> SplitReply:
    """Split a reply into its new part, the quoted history and the signature.

    HTML marks quotes more reliably than text, so when both are given a quote
    found in the HTML wins; otherwise the plain text (the sender's own rendering)
    is used. If nothing marks a quote, the whole text is new.
    """
    from_html = split_text(html_to_quoted_text(html)) if html else None
    if from_html is not None and from_html.rule is not None:
        return from_html
    from_text = split_text(text)
    if from_html is not None and from_text.rule is None and not text.strip():
        return from_html
    return from_text
