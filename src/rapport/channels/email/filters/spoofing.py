"""Possible spoofing: the receiving MTA found DMARC or SPF failing for the From domain.

Authentication-Results (RFC 8601) is written by the MTA that received the mail.
A sender can add forged ones too, so `ctx.authserv_ids`, when set, limits the
filter to our own MTA's; without it every header is read, which is safe for
this check because a forger gains nothing by claiming its own mail *failed*.
The mail is still processed; the agent sees the warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .base import FilterContext, FilterResult, Flag
from .mail import InboundMail

_COMMENT = re.compile(r"\([^()]*\)")
_FOLD = re.compile(r"\r?\n[ \t]+")
CHECKED_METHODS = {"dmarc": ("header.from",), "spf": ("smtp.mailfrom", "smtp.helo")}


@dataclass(frozen=True)
class AuthResult:
    authserv_id: str
    method: str
    result: str
    properties: dict[str, str] = field(default_factory=dict)


class SpoofingFilter:
    name = "spoofing"

    def apply(self, mail: InboundMail, ctx: FilterContext) -> FilterResult | None:
        trusted = {server.lower() for server in ctx.authserv_ids}
        for result in parse_authentication_results(mail.header("authentication-results")):
            if trusted and result.authserv_id not in trusted:
                continue
            if result.result == "fail" and _about_from_domain(result, mail.from_domain):
                return FilterResult(
                    f"{result.method}=fail for {mail.from_domain or 'the sender'}"
                    f" (reported by {result.authserv_id})",
                    frozenset({Flag.SPOOFING_SUSPECTED}),
                )
        return None


def parse_authentication_results(value: str) -> list[AuthResult]:
    """Every method result in the Authentication-Results headers.

    Repeated headers arrive joined by newlines; a newline followed by white space is
    folding inside one header (RFC 5322), not the start of the next.
    """
    results = []
    for header in _FOLD.sub(" ", value).splitlines():
        text = " ".join(header.split())
        for _ in range(3):  # comments may nest; three levels is plenty
            text = _COMMENT.sub(" ", text)
        authserv, *resinfos = text.split(";")
        authserv_id = authserv.split()[0].lower() if authserv.split() else ""
        for resinfo in resinfos:
            tokens = resinfo.split()
            if not tokens or "=" not in tokens[0]:
                continue
            method, _, outcome = tokens[0].partition("=")
            properties = dict(
                (key.lower(), val.lower())
                for key, _, val in (t.partition("=") for t in tokens[1:])
                if val
            )
            results.append(AuthResult(authserv_id, method.lower(), outcome.lower(), properties))
    return results


def _about_from_domain(result: AuthResult, from_domain: str) -> bool:
    keys = CHECKED_METHODS.get(result.method)
    if keys is None:
        return False
    checked = next((result.properties[key] for key in keys if key in result.properties), None)
    if checked is None:
        return True  # the result names no identity: it is about this message's sender
    domain = checked.rpartition("@")[2].strip("<>")
    return _aligned(domain, from_domain)


def _aligned(domain: str, from_domain: str) -> bool:
    """Relaxed alignment (RFC 7489): one is the other or a subdomain of it."""
    if not domain or not from_domain:
        return False
    return (
        domain == from_domain
        or domain.endswith("." + from_domain)
        or from_domain.endswith("." + domain)
    )
