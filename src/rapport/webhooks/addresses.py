"""Which addresses a webhook may reach: the public internet, and what an admin allowed.

A webhook URL is typed by an admin, but its host is resolved by DNS that anyone may
control, so the check is made on the resolved addresses, at connect time, for every
redirect hop (client.py connects to exactly the address checked here). Loopback,
private, link-local, shared (CGNAT), multicast, unspecified and reserved ranges are
refused unless the host is allowed by RAPPORT_WEBHOOK_ALLOWED_HOSTS (names, addresses
or networks) or the endpoint's own "allow private addresses" flag. Cloud metadata
services are refused always: no webhook has a reason to reach them.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

METADATA_HOSTS = frozenset({
    "metadata.google.internal", "metadata.goog", "metadata", "instance-data",
    "instance-data.ec2.internal",
})
METADATA_ADDRESSES = frozenset(ipaddress.ip_address(a) for a in (
    "169.254.169.254", "169.254.170.2", "169.254.169.123", "fd00:ec2::254", "fd00:ec2::23",
    "100.100.100.200",
))
_CGNAT = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class AddressRefused(Exception):
    """A URL or address a webhook may not reach: retrying cannot help."""


def _embedded_ipv4(address: IPAddress) -> IPAddress:
    """The IPv4 address an IPv6 address stands for (mapped, NAT64, 6to4), if any."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address in _NAT64:
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if address.sixtofour is not None:
            return address.sixtofour
    return address


def special_kind(address: IPAddress) -> str | None:
    """Why an address is not on the public internet, or None when it is."""
    address = _embedded_ipv4(address)
    checks = (
        (address in METADATA_ADDRESSES, "cloud metadata"),
        (address.is_unspecified, "unspecified"),
        (address.is_loopback, "loopback"),
        (address.is_link_local, "link-local"),
        (address.is_multicast, "multicast"),
        (isinstance(address, ipaddress.IPv4Address) and address in _CGNAT, "shared (CGNAT)"),
        (address.is_private, "private"),
        (address.is_reserved, "reserved"),
        (not address.is_global, "non-public"),
    )
    return next((kind for hit, kind in checks if hit), None)


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower().rstrip(".")


@dataclass(frozen=True)
class AddressPolicy:
    """What one delivery may reach: the global allow-list plus, maybe, its own host."""

    allowed_hosts: frozenset[str] = frozenset()
    allowed_networks: tuple[IPNetwork, ...] = ()
    private_host: str = ""  # the endpoint's host when it may resolve to private addresses

    @classmethod
    def from_settings(cls, *, private_host: str = "") -> AddressPolicy:
        hosts, networks = _parse_allowed(getattr(settings, "RAPPORT_WEBHOOK_ALLOWED_HOSTS", []))
        return cls(frozenset(hosts), tuple(networks), private_host.lower())

    def host_allowed(self, host: str) -> bool:
        host = host.lower().rstrip(".")
        return host in self.allowed_hosts or (bool(self.private_host) and host == self.private_host)

    def refusal(self, host: str, address: IPAddress) -> str | None:
        """Why `host` may not be reached at `address`, or None when it may."""
        kind = special_kind(address)
        if kind is None:
            return None
        if kind == "cloud metadata":
            return _("%(host)s resolves to %(address)s, a cloud metadata address") % {
                "host": host, "address": address}
        if self.host_allowed(host) or any(address in net for net in self.allowed_networks):
            return None
        return _("%(host)s resolves to %(address)s, a %(kind)s address; an admin can allow it "
                 "with RAPPORT_WEBHOOK_ALLOWED_HOSTS or the endpoint's “allow private "
                 "addresses”") % {"host": host, "address": address, "kind": kind}

    def check_name(self, host: str) -> None:
        if host.lower().rstrip(".") in METADATA_HOSTS:
            raise AddressRefused(_("%(host)s is a cloud metadata service") % {"host": host})

    def check(self, host: str, addresses: Iterable[IPAddress]) -> None:
        """Refuse the host if ANY of its addresses is refused (DNS picks one at random)."""
        self.check_name(host)
        for address in addresses:
            reason = self.refusal(host, address)
            if reason:
                raise AddressRefused(reason)


def _parse_allowed(entries: Iterable[str]) -> tuple[list[str], list[IPNetwork]]:
    hosts: list[str] = []
    networks: list[IPNetwork] = []
    for entry in entries:
        entry = entry.strip().lower().strip("[]")
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            hosts.append(entry.rstrip("."))
    return hosts, networks


def parse_target(url: str) -> SplitResult:
    """A URL a webhook may be sent to: http(s), a host, no credentials, no fragment."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018  (raises ValueError for a port out of range)
    except ValueError as exc:
        raise AddressRefused(_("The URL is not valid: %(error)s") % {"error": exc}) from None
    if parts.scheme not in ("http", "https"):
        raise AddressRefused(_("The URL must start with https:// or http://."))
    if not parts.hostname:
        raise AddressRefused(_("The URL has no host."))
    if parts.username is not None or parts.password is not None:
        raise AddressRefused(_("The URL may not contain a user name or password; the "
                               "receiver verifies the signature instead."))
    if parts.fragment:
        raise AddressRefused(_("The URL may not contain a #fragment."))
    if any(ch.isspace() or ord(ch) < 32 for ch in url.strip()):
        raise AddressRefused(_("The URL may not contain spaces or control characters."))
    return parts


def validate_endpoint_url(url: str, *, allow_private: bool) -> None:
    """The checks possible when an admin saves the URL; DNS is checked again on every send.

    Raises AddressRefused with a message for the admin.
    """
    parts = parse_target(url)
    host = (parts.hostname or "").lower().rstrip(".")
    policy = AddressPolicy.from_settings(private_host=host if allow_private else "")
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        if host == "localhost" or host.endswith(".localhost"):
            literal = ipaddress.ip_address("127.0.0.1")
        else:
            policy.check(host, [])
            return
    policy.check(host, [literal])
