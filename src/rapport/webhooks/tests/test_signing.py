"""The verification recipe of docs/webhooks.md, run as written, against real webhooks."""

import re
import time
from pathlib import Path

import pytest

from rapport.webhooks import services
from rapport.webhooks.delivery import drain
from rapport.webhooks.signing import signature, signed_headers

DOC = Path(__file__).resolve().parents[4] / "docs" / "webhooks.md"


@pytest.fixture(scope="module")
def verify():
    text = DOC.read_text()
    recipe = re.search(r"<!-- recipe:[^>]*-->\s*```python\n(.*?)```", text, re.S).group(1)
    namespace: dict = {}
    exec(compile(recipe, str(DOC), "exec"), namespace)  # noqa: S102  (our own documentation)
    return namespace["verify"]


def test_the_signature_is_hmac_sha256_over_timestamp_id_and_body():
    # Computed independently: printf '1700000000.evt.{}' | openssl dgst -sha256 -hmac whsec_k
    assert signature("whsec_k", 1700000000, "evt", b"{}") == (
        "v1=a0f9e7f32fb7d7d4b3ac8e361591770be1c68b7f61d370c90f90b529c8e1ad47"
    )


def test_a_real_webhook_passes_the_documented_recipe(verify, endpoint, receiver, queued_jobs):
    services.ping(endpoint)
    drain(endpoint.pk)
    [request] = receiver.requests
    assert verify(endpoint.secret, request.headers, request.body)
    assert not verify(endpoint.secret, request.headers, request.body + b" ")
    assert not verify("whsec_someone-else", request.headers, request.body)
    stale = int(request.headers["Rapport-Webhook-Timestamp"]) + 5 * 60 + 1
    assert not verify(endpoint.secret, request.headers, request.body, now=stale)
    forged = {**request.headers, "Rapport-Webhook-Timestamp": str(int(time.time()) + 1)}
    assert not verify(endpoint.secret, forged, request.body)  # the timestamp is signed


def test_after_a_rotation_both_secrets_verify_for_a_day(verify, endpoint, receiver, queued_jobs):
    old = endpoint.secret
    new = services.rotate_secret(endpoint)
    services.ping(endpoint)
    drain(endpoint.pk)
    [request] = receiver.requests
    assert len(request.headers["Rapport-Webhook-Signature"].split()) == 2
    assert verify(new, request.headers, request.body)
    assert verify(old, request.headers, request.body)


def test_headers_carry_the_event_and_attempt():
    headers = signed_headers(["whsec_a"], event_id="e1", event="ticket.created",
                             timestamp=1700000000, body=b"{}", attempt=3)
    assert headers["Rapport-Webhook-Id"] == "e1"
    assert headers["Rapport-Webhook-Event"] == "ticket.created"
    assert headers["Rapport-Webhook-Timestamp"] == "1700000000"
    assert headers["Rapport-Webhook-Attempt"] == "3"
    assert headers["Rapport-Webhook-Signature"] == signature("whsec_a", 1700000000, "e1", b"{}")
