"""The address policy: what counts as private, what an admin may allow, what never."""

import ipaddress

import pytest

from rapport.webhooks.addresses import (
    AddressPolicy,
    AddressRefused,
    special_kind,
    validate_endpoint_url,
)


@pytest.mark.parametrize(("address", "kind"), [
    ("127.0.0.1", "loopback"),
    ("127.8.9.10", "loopback"),
    ("10.0.0.1", "private"),
    ("172.16.5.4", "private"),
    ("192.168.1.1", "private"),
    ("169.254.169.254", "cloud metadata"),
    ("169.254.3.4", "link-local"),
    ("100.64.0.1", "shared (CGNAT)"),
    ("100.100.100.200", "cloud metadata"),
    ("224.0.0.1", "multicast"),
    ("239.255.255.250", "multicast"),
    ("0.0.0.0", "unspecified"),
    ("240.0.0.1", "private"),  # reserved 240/4 is in Python's private list
    ("255.255.255.255", "private"),
    ("::1", "loopback"),
    ("::", "unspecified"),
    ("fc00::1", "private"),
    ("fd12:3456::1", "private"),
    ("fe80::1", "link-local"),
    ("fd00:ec2::254", "cloud metadata"),
    ("ff02::1", "multicast"),
    ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped
    ("::ffff:169.254.169.254", "cloud metadata"),
    ("64:ff9b::a00:1", "private"),  # NAT64 of 10.0.0.1
    ("2002:7f00:1::", "loopback"),  # 6to4 of 127.0.0.1
])
def test_special_addresses_are_named(address, kind):
    assert special_kind(ipaddress.ip_address(address)) == kind


@pytest.mark.parametrize("address", ["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111",
                                     "64:ff9b::808:808"])
def test_public_addresses_pass(address):
    assert special_kind(ipaddress.ip_address(address)) is None


def _ips(*addresses):
    return [ipaddress.ip_address(a) for a in addresses]


def test_one_private_address_among_public_ones_refuses_the_host():
    policy = AddressPolicy()
    policy.check("hooks.example.com", _ips("93.184.215.14"))
    with pytest.raises(AddressRefused, match="10.1.2.3, a private address"):
        policy.check("hooks.example.com", _ips("93.184.215.14", "10.1.2.3"))


def test_the_allow_list_admits_named_hosts_and_networks_but_never_metadata(settings):
    settings.RAPPORT_WEBHOOK_ALLOWED_HOSTS = ["hooks.internal", "10.1.0.0/16", "::1"]
    policy = AddressPolicy.from_settings()
    policy.check("hooks.internal", _ips("192.168.7.7"))
    policy.check("HOOKS.internal.", _ips("127.0.0.1"))
    policy.check("other.internal", _ips("10.1.200.3", "::1"))
    with pytest.raises(AddressRefused, match="10.2.0.1"):
        policy.check("other.internal", _ips("10.2.0.1"))
    with pytest.raises(AddressRefused, match="cloud metadata"):
        policy.check("hooks.internal", _ips("169.254.169.254"))
    with pytest.raises(AddressRefused, match="cloud metadata"):
        policy.check("metadata.google.internal", _ips("8.8.8.8"))


def test_an_endpoints_private_flag_covers_only_its_own_host():
    policy = AddressPolicy(private_host="crm.internal")
    policy.check("crm.internal", _ips("10.0.0.5"))
    with pytest.raises(AddressRefused):
        policy.check("elsewhere.internal", _ips("10.0.0.5"))


@pytest.mark.parametrize(("url", "message"), [
    ("ftp://hooks.example.com/", "https:// or http://"),
    ("hooks.example.com/x", "https:// or http://"),
    ("https://user:pw@hooks.example.com/", "user name or password"),
    ("https://hooks.example.com/#top", "fragment"),
    ("https:///path", "no host"),
    ("https://hooks.example.com:99999/", "not valid"),
    ("http://127.0.0.1:8000/hook", "loopback"),
    ("http://localhost/hook", "loopback"),
    ("http://10.0.0.1/", "private"),
    ("http://[::1]/", "loopback"),
    ("http://169.254.169.254/latest/meta-data/", "cloud metadata"),
    ("http://metadata.google.internal/computeMetadata/v1/", "cloud metadata"),
])
def test_saving_refuses_bad_urls_with_a_reason(settings, url, message):
    settings.RAPPORT_WEBHOOK_ALLOWED_HOSTS = []
    with pytest.raises(AddressRefused, match=message):
        validate_endpoint_url(url, allow_private=False)


def test_saving_accepts_public_and_allowed_urls(settings):
    settings.RAPPORT_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    validate_endpoint_url("https://hooks.example.com/rapport?x=1", allow_private=False)
    validate_endpoint_url("http://127.0.0.1:9000/hook", allow_private=False)
    validate_endpoint_url("http://10.0.0.1/", allow_private=True)
    with pytest.raises(AddressRefused, match="cloud metadata"):
        validate_endpoint_url("http://169.254.169.254/", allow_private=True)
