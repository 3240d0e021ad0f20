"""Provider inbound webhooks (Mailgun, Postmark, SendGrid, Amazon SES) through Anymail.

Anymail's views check each request (basic auth with WEBHOOK_SECRET, Mailgun's HMAC
signature, the SNS headers) and parse it into an ``inbound`` signal. The receiver here
stores the raw mail with store_inbound while the view is still answering, so a provider
hears 200 only for mail already committed: a database error propagates out of the
signal (Anymail sends it with ``send``, not ``send_robust``) into a 500, and the
provider delivers again later.

The views below are Anymail's, with two refusals Anymail lacks: no request is accepted
while WEBHOOK_SECRET (or Mailgun's signing key) is unset, where Anymail would only warn.
"""

from __future__ import annotations

import json
import logging
from base64 import b64decode
from email.message import Message
from email.parser import BytesParser
from email.utils import getaddresses
from typing import Any

from anymail.exceptions import AnymailImproperlyInstalled
from anymail.signals import inbound
from anymail.webhooks.amazon_ses import AmazonSESInboundWebhookView
from anymail.webhooks.base import AnymailBaseWebhookView
from anymail.webhooks.mailgun import MailgunInboundWebhookView
from anymail.webhooks.postmark import PostmarkInboundWebhookView
from anymail.webhooks.sendgrid import SendGridInboundWebhookView
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.request import RawPostDataException
from django.utils.text import slugify

from rapport.channels.email.inbound.store import mailbox_for, store_inbound
from rapport.channels.email.models import InboundEmail, Mailbox

logger = logging.getLogger(__name__)

# Anymail's esp_name → InboundEmail.source.
SOURCES = {
    "Mailgun": "mailgun",
    "Postmark": "postmark",
    "SendGrid": "sendgrid",
    "Amazon SES": "amazon_ses",
}
# Providers whose Anymail event_id names the mail; Mailgun's is only its signing token.
_EVENT_ID_IS_MAIL_ID = {"postmark", "amazon_ses"}


class _RapportInboundView(AnymailBaseWebhookView):
    """What every Rapport inbound webhook adds in front of Anymail's view."""

    missing_hint = ""

    def is_configured(self) -> bool:
        return bool(self.basic_auth)

    def refusal(self) -> str:
        """Why this server must not take mail now, or "" when it may."""
        if not self.is_configured():
            return f"set RAPPORT_ANYMAIL_WEBHOOK_SECRET{self.missing_hint}"
        if not inbound.has_listeners(type(self)):
            # Anymail would answer 200 for mail nobody stored.
            return "nothing stores inbound mail: call webhooks.connect_signals() at start-up"
        return ""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if reason := self.refusal():
            # 503, not 403: a provider retries it, so mail waits there until the server
            # is set up; a stranger learns nothing either way.
            logger.error("Refused a %s inbound webhook: %s.", self.esp_name, reason)
            return HttpResponse(status=503)
        # Django keeps the request's bytes only when they are read before its form is;
        # raw_mime() needs them to store a form field's bytes exactly.
        request.body  # noqa: B018
        return super().post(request, *args, **kwargs)


class MailgunInboundView(_RapportInboundView, MailgunInboundWebhookView):
    missing_hint = " and RAPPORT_MAILGUN_WEBHOOK_SIGNING_KEY"

    def is_configured(self) -> bool:
        # An empty key would make every HMAC anyone computes with it valid.
        return super().is_configured() and bool(self.webhook_signing_key)


class PostmarkInboundView(_RapportInboundView, PostmarkInboundWebhookView):
    pass


class SendGridInboundView(_RapportInboundView, SendGridInboundWebhookView):
    pass


class AmazonSESInboundView(_RapportInboundView, AmazonSESInboundWebhookView):
    def __init__(self, **kwargs: Any) -> None:
        try:
            super().__init__(**kwargs)
        except AnymailImproperlyInstalled:
            # Anymail's SES view asks for boto3 up front, but only the S3 receipt action
            # and auto-confirming subscriptions use it; the SNS action works without.
            self.auto_confirm_enabled = False
            self.session_params: dict[str, Any] = {}
            self.client_params: dict[str, Any] = {}
            AnymailBaseWebhookView.__init__(self, **kwargs)

    def auto_confirm_sns_subscription(self, sns_message: dict[str, Any]) -> None:
        if self.auto_confirm_enabled:
            super().auto_confirm_sns_subscription(sns_message)
            return
        # The request passed basic auth, so the subscription is ours to confirm.
        logger.warning(
            "Amazon SNS topic %s waits for this webhook's subscription to be confirmed: "
            "open %s",
            sns_message.get("TopicArn"), sns_message.get("SubscribeURL"),
        )


RECEIVER_UID = "rapport.channels.email.webhooks.receive_inbound"


def connect_signals() -> None:
    """Store every inbound mail Anymail's webhooks receive; safe to call more than once."""
    inbound.connect(receive_inbound, dispatch_uid=RECEIVER_UID)


def receive_inbound(sender: Any, event: Any, esp_name: str, **kwargs: Any) -> InboundEmail:
    """Commit one provider's inbound mail; raises (so the webhook fails) if it cannot."""
    source = SOURCES.get(esp_name) or slugify(esp_name)[:20]
    message = event.message
    envelope_to = envelope_recipients(source, event)
    ref = event.event_id if source in _EVENT_ID_IS_MAIL_ID else None
    return store_inbound(
        raw_mime(source, event),
        source=source,
        # Unmatched mail is stored all the same: processing quarantines it, nothing is lost.
        mailbox=find_mailbox(envelope_to, message),
        envelope_from=message.envelope_sender or "",
        envelope_to=envelope_to,
        source_ref=str(ref or ""),
    )


def raw_mime(source: str, event: Any) -> bytes:
    """The mail's bytes as the provider sent them, or Anymail's rebuilt message."""
    esp_event = event.esp_event
    raw: bytes | None = None
    if source == "mailgun":
        raw = form_field_bytes(esp_event, "body-mime")
    elif source == "sendgrid":
        raw = form_field_bytes(esp_event, "email")
    elif source == "postmark" and "RawEmail" in esp_event:
        raw = esp_event["RawEmail"].encode("utf-8")
    elif source == "amazon_ses" and esp_event.get("content") is not None:
        content = esp_event["content"]
        encoding = esp_event.get("receipt", {}).get("action", {}).get("encoding")
        raw = b64decode(content) if encoding == "BASE64" else content.encode("utf-8")
    # Without a raw field (Mailgun's parsed route, Postmark without "include raw
    # content", SES through S3) Anymail built the message from parsed fields.
    return raw if raw is not None else event.message.as_bytes()


def form_field_bytes(request: HttpRequest, name: str) -> bytes | None:
    """A posted form field's exact bytes (the last one, as request.POST reads it).

    request.POST decodes fields as UTF-8, replacing what is not: an 8-bit mail in
    KOI8-R or GBK would lose its text. So the body is read again, byte for byte.
    """
    try:
        body = request.body
    except RawPostDataException:
        return None
    if request.content_type == "multipart/form-data":
        return _multipart_field(request.META["CONTENT_TYPE"], body, name)
    # Latin-1 maps every byte to one character and back: percent-escapes decode exactly.
    texts = QueryDict(body, encoding="latin-1").getlist(name)
    return texts[-1].encode("latin-1") if texts else None


def _multipart_field(content_type: str, body: bytes, name: str) -> bytes | None:
    # The email package splits multipart/form-data like any MIME multipart, bytes intact.
    form = BytesParser().parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + body)
    value = None
    for part in form.get_payload() if form.is_multipart() else []:
        if not isinstance(part, Message):
            continue
        if part.get_param("name", header="content-disposition") == name:
            payload = part.get_payload(decode=True)
            value = payload if isinstance(payload, bytes) else value
    return value


def envelope_recipients(source: str, event: Any) -> list[str]:
    """Every envelope recipient the provider names (Anymail keeps only the first)."""
    esp_event = event.esp_event
    recipients: Any = None
    if source == "amazon_ses":
        recipients = esp_event.get("receipt", {}).get("recipients")
    elif source == "sendgrid":
        recipients = _sendgrid_envelope(esp_event).get("to")
    if isinstance(recipients, list) and recipients:
        return [str(address) for address in recipients if address]
    first = event.message.envelope_recipient
    return [first] if first else []


def _sendgrid_envelope(request: HttpRequest) -> dict[str, Any]:
    try:
        envelope = json.loads(request.POST.get("envelope", ""))
    except ValueError:
        return {}
    return envelope if isinstance(envelope, dict) else {}


def find_mailbox(envelope_to: list[str], message: Message) -> Mailbox | None:
    """The first active mailbox among the envelope recipients, then To, then Cc."""
    # Raw header values: parsing them can't raise on a malformed mail, which would
    # fail the webhook again on every retry.
    headers = [
        value for wanted in ("to", "cc")
        for name, value in message.raw_items() if name.lower() == wanted
    ]
    candidates = envelope_to + [address for _, address in getaddresses(headers) if address]
    for address in candidates:
        mailbox = mailbox_for(address)
        if mailbox is not None:
            return mailbox
    return None
