"""Mail HTML made safe to show an agent, and its plain-text reading.

Sanitised with nh3 through core.sanitize, three passes:
1. everything unsafe goes (scripts, handlers, forms, javascript:/data: and relative
   URLs); images stay with an http(s) or cid: src;
2. each remaining <img> in nh3's normalised output is rewritten: a remote image
   becomes a placeholder <span data-remote-src="…"> that the UI loads only when the
   agent asks (no tracking pixel fires on open), a cid: image becomes
   <img data-cid="…"> naming the attachment whose Content-ID it is;
3. the rewritten HTML is sanitised again with only those final shapes allowed, so a
   mistake in pass 2 cannot let anything through.
"""

import html
import re
from collections.abc import Mapping
from urllib.parse import unquote

from rapport.core.sanitize import html_to_text, sanitize_html

_EXTRA_TAGS = {"img", "center", "font", "small", "big", "caption"}
_DROP_CONTENT = {"title", "template"}
# nh3 writes attributes as name="value" with " and > escaped, so this reads them exactly.
_IMG_RE = re.compile(r'<img((?:\s+[^\s="<>/]+(?:="[^"]*")?)*)\s*/?>')
_ATTR_RE = re.compile(r'([^\s="<>/]+)(?:="([^"]*)")?')
_META_CHARSET_RE = re.compile(
    rb"<meta[^>]{0,300}?charset\s*=\s*[\"']?([A-Za-z0-9_.:-]{1,40})", re.I
)
_CELL_END_RE = re.compile(r"</t[dh]>", re.I)


def meta_charset(data: bytes) -> str | None:
    """The charset an HTML part declares in a <meta> near its start."""
    match = _META_CHARSET_RE.search(data[:4096])
    return match.group(1).decode("ascii") if match else None


def sanitise_email_html(
    raw: str, content_ids: Mapping[str, str]
) -> tuple[str, set[str], list[str]]:
    """(safe HTML, content ids it shows inline, defects).

    content_ids maps a lowercased Content-ID to the attachment's Content-ID as written.
    """
    first = sanitize_html(
        raw,
        extra_tags=_EXTRA_TAGS,
        extra_attributes={"img": {"src", "alt", "width", "height", "title"}},
        extra_url_schemes={"cid"},
        drop_content_of=_DROP_CONTENT,
        deny_relative_urls=True,
    )
    used: set[str] = set()
    defects: list[str] = []

    def rewrite(match: re.Match[str]) -> str:
        attrs = {k.lower(): html.unescape(v or "") for k, v in _ATTR_RE.findall(match.group(1))}
        return _rewrite_image(attrs, content_ids, used, defects)

    second = _IMG_RE.sub(rewrite, first)
    final = sanitize_html(
        second,
        extra_tags=_EXTRA_TAGS,
        extra_attributes={
            "img": {"data-cid", "alt", "width", "height", "title"},
            "span": {"data-remote-src", "title"},
        },
        drop_content_of=_DROP_CONTENT,
        attribute_filter=_final_filter,
        deny_relative_urls=True,
    )
    return final, used, defects


def _rewrite_image(
    attrs: dict[str, str], content_ids: Mapping[str, str], used: set[str], defects: list[str]
) -> str:
    src = attrs.get("src", "")
    alt = html.escape(attrs.get("alt", ""))
    if src.lower().startswith("cid:"):
        wanted = unquote(src[4:]).strip().strip("<>")
        content_id = content_ids.get(wanted.lower())
        if content_id is None:
            defects.append(f"inline image cid:{wanted[:60]} has no matching part")
            return alt
        used.add(content_id)
        size = "".join(
            f' {k}="{html.escape(attrs[k])}"' for k in ("width", "height") if attrs.get(k)
        )
        return f'<img data-cid="{html.escape(content_id)}" alt="{alt}"{size}>'
    if src.lower().startswith(("http://", "https://")):
        return f'<span data-remote-src="{html.escape(src)}" title="{alt}">{alt}</span>'
    return alt


def _final_filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "data-remote-src" and not value.lower().startswith(("http://", "https://")):
        return None
    return value


def html_to_plain(safe_html: str) -> str:
    """A plain-text reading of sanitised HTML: table cells kept apart, images left out."""
    return html_to_text(_CELL_END_RE.sub(" ", safe_html)).replace("\xa0", " ")
