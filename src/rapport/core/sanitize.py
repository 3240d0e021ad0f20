"""HTML sanitising (nh3) and plain-text conversions for message bodies."""

import html
import re
from collections.abc import Callable, Iterable, Mapping

import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "div", "em", "h1", "h2", "h3", "h4",
    "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "s", "span", "strong", "sub", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "abbr": {"title"},
}
_TAG_RE = re.compile(r"<[^>]+>")
_BLOCK_END_RE = re.compile(r"</(p|div|li|tr|h[1-6]|blockquote|pre)>|<br\s*/?>", re.I)


URL_SCHEMES = {"http", "https", "mailto", "tel"}


def sanitize_html(
    raw: str,
    *,
    extra_tags: Iterable[str] = (),
    extra_attributes: Mapping[str, Iterable[str]] | None = None,
    extra_url_schemes: Iterable[str] = (),
    drop_content_of: Iterable[str] = (),
    attribute_filter: Callable[[str, str, str], str | None] | None = None,
    deny_relative_urls: bool = False,
) -> str:
    """Keep formatting, drop scripts, handlers, styles, forms, images and unsafe links.

    The keyword options widen that for one caller (mail keeps images as placeholders);
    without them the result is the same for every caller.
    """
    attributes = {tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()}
    for tag, names in (extra_attributes or {}).items():
        attributes.setdefault(tag, set()).update(names)
    return nh3.clean(
        raw,
        tags=ALLOWED_TAGS | set(extra_tags),
        clean_content_tags={"script", "style", *drop_content_of},
        attributes=attributes,
        attribute_filter=attribute_filter,
        url_schemes=URL_SCHEMES | set(extra_url_schemes),
        url_relative="deny" if deny_relative_urls else None,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def text_to_html(text: str) -> str:
    paragraphs = re.split(r"\n{2,}", text.strip())
    return "".join(
        "<p>" + html.escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs if p
    )


def html_to_text(raw: str) -> str:
    with_breaks = _BLOCK_END_RE.sub("\n", raw)
    text = html.unescape(_TAG_RE.sub("", with_breaks))
    return re.sub(r"\n{3,}", "\n\n", text).strip()
