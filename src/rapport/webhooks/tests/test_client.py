"""The HTTP client against a real receiver: refused before connecting, redirects checked
hop by hop, every timeout bounded, and DNS asked once per hop."""

import socket
import time

import pytest

from rapport.webhooks import client
from rapport.webhooks.addresses import AddressPolicy
from rapport.webhooks.client import Limits
from rapport.webhooks.tests.conftest import FAST
from rapport.webhooks.tests.receiver import Receiver, Reply

BODY = b'{"event": "ticket.created"}'
HEADERS = {"Content-Type": "application/json", "Rapport-Webhook-Id": "abc"}
LOOPBACK_ALLOWED = AddressPolicy(allowed_hosts=frozenset({"127.0.0.1"}))


def post(url, policy=LOOPBACK_ALLOWED, limits=FAST):
    return client.post(url, BODY, HEADERS, policy=policy, limits=limits)


def test_an_allowed_receiver_gets_the_exact_body_and_host(receiver):
    response = post(receiver.url("/in?x=1"))
    assert (response.status, response.error, response.body) == (200, "", b"thanks")
    [request] = receiver.requests
    assert request.path == "/in?x=1"
    assert request.body == BODY
    assert request.headers["Host"] == f"127.0.0.1:{receiver.port}"
    assert request.headers["Rapport-Webhook-Id"] == "abc"


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "2130706433", "127.1"])
def test_loopback_is_refused_unless_allowed_even_by_another_name(receiver, host):
    response = post(f"http://{host}:{receiver.port}/hook", policy=AddressPolicy())
    assert response.refused
    assert "loopback" in response.error
    assert response.status is None
    assert receiver.requests == []


def test_the_private_flag_allows_the_endpoint_host_only(receiver):
    response = post(receiver.url(), policy=AddressPolicy(private_host="127.0.0.1"))
    assert response.status == 200


@pytest.mark.parametrize(("target", "reason"), [
    ("http://10.0.0.1/", "10.0.0.1, a private address"),
    ("http://169.254.169.254/latest/meta-data/", "cloud metadata"),
    ("http://[fd00:ec2::254]/", "cloud metadata"),
    ("http://metadata.google.internal/", "cloud metadata service"),
    ("http://100.64.1.1/", "CGNAT"),
    ("file:///etc/passwd", "https:// or http://"),
])
def test_a_redirect_to_a_forbidden_address_is_refused_before_connecting(
    receiver, target, reason
):
    receiver.reply(Reply(307, {"Location": target}))
    started = time.monotonic()
    response = post(receiver.url())
    # 10.0.0.1 would take the whole connect timeout if anyone tried to reach it.
    assert time.monotonic() - started < FAST.connect
    assert response.refused
    assert reason in response.error
    assert response.url == target
    assert len(receiver.requests) == 1


def test_a_redirect_to_another_loopback_receiver_never_reaches_it(receiver):
    with Receiver(host="127.0.0.2") as other:
        receiver.reply(Reply(302, {"Location": other.url("/stolen")}))
        response = post(receiver.url())
        assert response.refused
        assert "127.0.0.2" in response.error
        assert other.requests == []


def test_a_redirect_to_itself_is_followed_with_the_same_post(receiver):
    receiver.reply(Reply(308, {"Location": "/moved"}))
    response = post(receiver.url("/old"))
    assert response.status == 200
    assert response.url == receiver.url("/moved")
    first, second = receiver.requests
    assert (first.path, second.path) == ("/old", "/moved")
    assert second.body == BODY
    assert second.headers["Rapport-Webhook-Id"] == "abc"


def test_redirects_stop_after_the_limit(receiver):
    receiver.default = Reply(302, {"Location": "/again"})
    response = post(receiver.url(), limits=Limits(connect=1, read=1, total=3, redirects=2))
    assert response.status == 302
    assert response.error == "more than 2 redirects"
    assert len(receiver.requests) == 3


def test_a_hanging_receiver_times_out_on_read(receiver):
    receiver.reply(Reply(delay=10))
    started = time.monotonic()
    response = post(receiver.url())
    assert time.monotonic() - started < 2
    assert response.timed_out
    assert response.status is None
    assert "timed out" in response.error


def test_the_whole_exchange_is_bounded_even_when_each_read_is_allowed_longer(receiver):
    receiver.reply(Reply(delay=10))
    started = time.monotonic()
    response = post(receiver.url(), limits=Limits(connect=1, read=5, total=0.5))
    assert time.monotonic() - started < 2
    assert response.timed_out
    assert "within 0.5 s" in response.error


def test_nobody_listening_is_a_connection_error(receiver):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    response = post(f"http://127.0.0.1:{port}/")
    assert response.status is None
    assert not response.refused
    assert not response.timed_out
    assert "ConnectionRefusedError" in response.error


def test_only_the_first_kilobyte_of_the_answer_is_kept(receiver):
    receiver.reply(Reply(400, body=b"x" * 5000))
    response = post(receiver.url())
    assert response.status == 400
    assert response.body == b"x" * client.BODY_LIMIT


def test_dns_is_asked_once_per_hop_and_the_checked_address_is_dialled(
    receiver, monkeypatch
):
    """No second lookup exists that a rebinding DNS server could answer differently."""
    asked = []
    real = socket.getaddrinfo

    def spy(host, *args, **kwargs):
        asked.append(host)
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", spy)
    receiver.reply(Reply(307, {"Location": "/next"}))
    policy = AddressPolicy(allowed_hosts=frozenset({"localhost"}))
    response = post(f"http://localhost:{receiver.port}/first", policy=policy)
    assert response.status == 200
    assert asked == ["localhost", "localhost"]  # one per hop, nothing else resolves
    assert [r.headers["Host"] for r in receiver.requests] == [f"localhost:{receiver.port}"] * 2


def test_a_non_ascii_path_is_percent_encoded(receiver):
    response = post(receiver.url("/hooks/ü?name=José&x=%20"))
    assert response.status == 200
    assert receiver.requests[0].path == "/hooks/%C3%BC?name=Jos%C3%A9&x=%20"
