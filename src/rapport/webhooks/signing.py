"""How a receiver knows a webhook came from this Rapport and was not replayed.

``Rapport-Webhook-Signature: v1=<hex>`` where hex is HMAC-SHA256, keyed with the
endpoint's secret (its UTF-8 text, ``whsec_…`` included), of
``"{timestamp}.{event_id}.{raw body}"``. Within a day of a secret rotation two
signatures are sent, separated by a space: the new secret's first. docs/webhooks.md
has the verification recipe.
"""

import hashlib
import hmac

USER_AGENT = "Rapport-Webhooks/1"


def signature(secret: str, timestamp: int, event_id: str, body: bytes) -> str:
    signed = f"{timestamp}.{event_id}.".encode() + body
    return "v1=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signed_headers(
    secrets: list[str], *, event_id: str, event: str, timestamp: int, body: bytes, attempt: int
) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "Rapport-Webhook-Id": event_id,
        "Rapport-Webhook-Event": event,
        "Rapport-Webhook-Timestamp": str(timestamp),
        "Rapport-Webhook-Attempt": str(attempt),
        "Rapport-Webhook-Signature": " ".join(
            signature(secret, timestamp, event_id, body) for secret in secrets
        ),
    }
