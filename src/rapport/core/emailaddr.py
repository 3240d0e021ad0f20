"""Email addresses as Rapport stores and compares them, wherever they come from."""

import re
import unicodedata

_LABEL_RE = re.compile(r"^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$")


def normalise_domain(domain: str) -> str | None:
    """Lowercase Unicode form of a domain, the same for its punycode and Unicode spellings."""
    domain = unicodedata.normalize("NFC", domain.strip().rstrip(".")).lower()
    if domain.startswith("[") and domain.endswith("]"):
        return domain
    labels = domain.split(".")
    if len(labels) < 2 or len(domain) > 253:
        return None
    normalised = []
    for label in labels:
        try:
            ascii_label = label.encode("idna").decode("ascii").lower()
            unicode_label = ascii_label.encode("ascii").decode("idna")
        except UnicodeError:
            return None
        if not _LABEL_RE.match(ascii_label) or unicode_label.encode("idna") != ascii_label.encode():
            return None
        normalised.append(unicode_label.lower())
    return ".".join(normalised)


def normalise_email(address: str) -> str:
    """Lowercase local part, lowercase Unicode domain: one spelling per mailbox.

    Local parts are case-sensitive in theory and never in practice; treating
    Anna@ and anna@ as two customers would split their history. When the domain
    is not a valid one, the address is only trimmed and lowercased.
    """
    local, at, domain = address.strip().rpartition("@")
    if not at:
        return address.strip().lower()
    return f"{local.lower()}@{normalise_domain(domain) or domain.lower()}"
