"""Provider inbound webhooks: recorded payloads in, the exact raw mail stored, strangers out.

The payloads under fixtures/webhooks/<provider>/ follow each provider's documented
format (make_webhooks.py writes them); their mails are 8-bit KOI8-R, GBK and UTF-8.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.header import decode_header, make_header
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import pytest
from anymail.signals import inbound
from django.db import connection
from django.test import Client, override_settings

from rapport.channels.email.models import InboundEmail, Mailbox
from rapport.channels.email.webhooks import RECEIVER_UID, connect_signals

FIXTURES = Path(__file__).parent / "fixtures" / "webhooks"
SECRET = "provider:Wn4-hook-pass"
SIGNING_KEY = "key-rapport-fixture-signing"  # the key make_webhooks.py signed with
ANYMAIL = {
    "WEBHOOK_SECRET": [SECRET],
    "MAILGUN_WEBHOOK_SIGNING_KEY": SIGNING_KEY,
    "AMAZON_SES_AUTO_CONFIRM_SNS_SUBSCRIPTIONS": False,
}
RU_TEXT = "Не приходит счёт за март, номер договора 118-Б."
ZH_TEXT = "发票号码 No.2026-118 的金额不对，请核实。"

pytestmark = pytest.mark.filterwarnings(
    "ignore::anymail.exceptions.AnymailNotSupportedWarning",  # SendGrid, on every request
    "ignore::anymail.exceptions.AnymailInsecureWebhookWarning",
)


@dataclass
class Delivery:
    """One recorded webhook request and what Rapport must store from it."""

    provider: str
    url: str
    fixture: str
    content_type: str
    eml: str = ""
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def body(self) -> bytes:
        return (FIXTURES / self.provider / self.fixture).read_bytes()

    @property
    def raw(self) -> bytes:
        return (FIXTURES / self.provider / self.eml).read_bytes()


def _multipart(provider: str, fixture: str) -> str:
    first_line = (FIXTURES / provider / fixture).read_bytes().split(b"\r\n", 1)[0]
    return f"multipart/form-data; boundary={first_line[2:].decode('ascii')}"


def _sns(fixture: str) -> Delivery:
    sns = json.loads((FIXTURES / "amazon_ses" / fixture).read_bytes())
    return Delivery(
        "amazon_ses", "/webhooks/email/amazon_ses/inbound/", fixture,
        "text/plain; charset=UTF-8", "zh_gbk_8bit.eml",
        {"x-amz-sns-message-type": sns["Type"], "x-amz-sns-message-id": sns["MessageId"]},
    )


MAILGUN = Delivery(
    "mailgun", "/webhooks/email/mailgun/inbound_mime/", "inbound_mime.form",
    _multipart("mailgun", "inbound_mime.form"), "koi8r_8bit.eml",
)
MAILGUN_URLENCODED = Delivery(
    "mailgun", "/webhooks/email/mailgun/inbound_mime/", "inbound_mime_urlencoded.form",
    "application/x-www-form-urlencoded", "zh_utf8_8bit.eml",
)
SENDGRID = Delivery(
    "sendgrid", "/webhooks/email/sendgrid/inbound/", "inbound_raw.form",
    _multipart("sendgrid", "inbound_raw.form"), "ru_zh_utf8_8bit.eml",
)
POSTMARK = Delivery(
    "postmark", "/webhooks/email/postmark/inbound/", "inbound_raw.json", "application/json",
    "ru_utf8_8bit.eml",
)
MAILGUN_PARSED = Delivery(
    "mailgun", "/webhooks/email/mailgun/inbound/", "inbound_parsed.form",
    _multipart("mailgun", "inbound_parsed.form"),
)
POSTMARK_PARSED = Delivery(
    "postmark", "/webhooks/email/postmark/inbound/", "inbound_parsed.json", "application/json"
)
SES = _sns("inbound_sns.json")
ONE_PER_PROVIDER = [MAILGUN, SENDGRID, POSTMARK, SES]


def post(delivery: Delivery, *, secret: str | None = SECRET, body: bytes | None = None):
    headers = dict(delivery.headers)
    if secret is not None:
        headers["Authorization"] = "Basic " + base64.b64encode(secret.encode()).decode()
    # CSRF enforced as in production; exceptions become responses, as a provider sees them.
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    return client.post(
        delivery.url, data=delivery.body if body is None else body,
        content_type=delivery.content_type, headers=headers,
    )


@pytest.fixture(autouse=True)
def _anymail_settings() -> Iterator[None]:
    connect_signals()
    with override_settings(ANYMAIL=ANYMAIL):
        yield


@pytest.fixture
def support(db) -> Mailbox:
    return Mailbox.objects.create(name="Support", address="support@example.test")


@pytest.fixture
def billing(db) -> Mailbox:
    return Mailbox.objects.create(name="Billing", address="billing@example.test")


def _subject(raw: bytes) -> str:
    return str(make_header(decode_header(message_from_bytes(raw)["Subject"])))


@pytest.mark.parametrize(
    ("delivery", "mailbox", "envelope_from", "envelope_to", "ref"),
    [
        pytest.param(
            MAILGUN, "support", "bounce-ivan@example.ru", ["support+t42-abc@example.test"], "",
            id="mailgun-koi8r-multipart",
        ),
        pytest.param(
            MAILGUN_URLENCODED, "billing", "li.ming@example.cn",
            ["rapport@inbound.example.test"], "", id="mailgun-utf8-urlencoded-cc",
        ),
        pytest.param(
            SENDGRID, "support", "ivan@example.ru", ["support@example.test"], "",
            id="sendgrid-utf8",
        ),
        pytest.param(
            POSTMARK, "support", "ivan@example.ru", ["support+t42-abc@example.test"],
            "22c74902-a0c1-4511-804f-341342852c90", id="postmark-utf8",
        ),
        pytest.param(
            SES, "support", "li.ming@example.cn",
            ["support@example.test", "billing@example.test"],
            "o3vrnil0e2ic28trm7dfhrc2v0clambda4nbp0g1", id="amazon-ses-gbk",
        ),
    ],
)
def test_a_signed_delivery_stores_the_exact_raw_mail(
    request, support, billing, delivery, mailbox, envelope_from, envelope_to, ref
):
    response = post(delivery)

    assert response.status_code == 200
    stored = InboundEmail.objects.get()
    assert bytes(stored.raw) == delivery.raw
    assert stored.sha256 == hashlib.sha256(delivery.raw).hexdigest()
    assert stored.source == delivery.provider
    assert stored.mailbox == request.getfixturevalue(mailbox)
    assert stored.envelope_from == envelope_from
    assert stored.envelope_to == envelope_to
    assert stored.source_ref == ref


def test_non_utf8_mail_keeps_its_text(support):
    post(MAILGUN)
    raw = bytes(InboundEmail.objects.get().raw)
    # Read through request.POST, these bytes would have become U+FFFD.
    assert RU_TEXT in message_from_bytes(raw).get_payload(decode=True).decode("koi8-r")
    assert _subject(raw) == "Счёт не пришёл"


def test_gbk_mail_through_ses_keeps_its_text(support):
    post(SES)
    raw = bytes(InboundEmail.objects.get().raw)
    assert ZH_TEXT in message_from_bytes(raw).get_payload(decode=True).decode("gbk")
    assert _subject(raw) == "发票金额不对"


def _plain_text(raw: bytes) -> str:
    mail = message_from_bytes(raw)
    part = next(part for part in mail.walk() if part.get_content_type() == "text/plain")
    return part.get_payload(decode=True).decode(part.get_content_charset())


def test_postmark_without_raw_content_stores_the_rebuilt_mail(billing):
    response = post(POSTMARK_PARSED)

    assert response.status_code == 200
    stored = InboundEmail.objects.get()
    raw = bytes(stored.raw)
    assert _subject(raw) == "发票金额不对"
    assert message_from_bytes(raw)["Message-ID"] == "<pm-zh-1@example.cn>"
    assert ZH_TEXT in _plain_text(raw)
    assert stored.mailbox == billing
    assert stored.source_ref == "5f0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d"


def test_mailgun_parsed_route_stores_the_rebuilt_mail(support):
    response = post(MAILGUN_PARSED)

    assert response.status_code == 200
    stored = InboundEmail.objects.get()
    raw = bytes(stored.raw)
    assert _subject(raw) == "Счёт не пришёл"
    assert message_from_bytes(raw)["Message-Id"] == "<parsed-1@example.ru>"
    assert RU_TEXT in _plain_text(raw)
    assert (stored.mailbox, stored.envelope_from) == (support, "ivan@example.ru")


def test_mail_for_no_mailbox_is_stored_for_processing_to_quarantine(db):
    assert post(SENDGRID).status_code == 200
    stored = InboundEmail.objects.get()
    assert stored.mailbox is None
    assert bytes(stored.raw) == SENDGRID.raw


def test_an_inactive_mailbox_is_passed_over_for_the_next_recipient(support, billing):
    Mailbox.objects.filter(pk=support.pk).update(active=False)
    post(SES)
    assert InboundEmail.objects.get().mailbox == billing


def test_the_same_delivery_twice_stores_two_rows(support):
    connect_signals()  # a second connection must not store the mail twice per delivery
    assert post(POSTMARK).status_code == 200
    assert post(POSTMARK).status_code == 200
    rows = list(InboundEmail.objects.order_by("id"))
    assert len(rows) == 2
    assert rows[0].sha256 == rows[1].sha256


# --- Authentication ----------------------------------------------------------------


@pytest.mark.parametrize("delivery", ONE_PER_PROVIDER, ids=lambda d: d.provider)
def test_a_request_without_basic_auth_is_refused(support, delivery):
    response = post(delivery, secret=None)
    # Amazon SNS sends credentials only after a 401 challenge; Anymail answers it so.
    expected = 401 if delivery.provider == "amazon_ses" else 400
    assert response.status_code == expected
    assert not InboundEmail.objects.exists()


@pytest.mark.parametrize("delivery", ONE_PER_PROVIDER, ids=lambda d: d.provider)
def test_a_request_with_the_wrong_basic_auth_is_refused(support, delivery):
    assert post(delivery, secret="provider:guessed").status_code == 400
    assert not InboundEmail.objects.exists()


@pytest.mark.parametrize("delivery", ONE_PER_PROVIDER, ids=lambda d: d.provider)
def test_nothing_is_accepted_while_the_secret_is_unset(support, delivery, caplog):
    with override_settings(ANYMAIL={**ANYMAIL, "WEBHOOK_SECRET": []}):
        response = post(delivery, secret=None)
    assert response.status_code == 503
    assert not InboundEmail.objects.exists()
    assert "RAPPORT_ANYMAIL_WEBHOOK_SECRET" in caplog.text


def test_nothing_is_accepted_while_no_receiver_stores_the_mail(support, caplog):
    inbound.disconnect(dispatch_uid=RECEIVER_UID)
    try:
        response = post(POSTMARK)
    finally:
        connect_signals()
    assert response.status_code == 503
    assert not InboundEmail.objects.exists()
    assert "connect_signals()" in caplog.text


def _mailgun_resigned(key: str, *, signature: str | None = None) -> bytes:
    fields = dict(parse_qsl(MAILGUN_URLENCODED.body.decode("ascii"), keep_blank_values=True))
    fields["signature"] = signature or hmac.new(
        key.encode(), (fields["timestamp"] + fields["token"]).encode(), hashlib.sha256
    ).hexdigest()
    return urlencode(fields).encode("ascii")


def test_mailgun_checks_its_signature_even_with_the_right_basic_auth(support):
    forged = _mailgun_resigned(SIGNING_KEY, signature="0" * 64)
    assert post(MAILGUN_URLENCODED, body=forged).status_code == 400
    with override_settings(ANYMAIL={**ANYMAIL, "MAILGUN_WEBHOOK_SIGNING_KEY": "key-other"}):
        assert post(MAILGUN).status_code == 400
    assert not InboundEmail.objects.exists()
    # The check itself is live: the same body signed with the right key goes through.
    assert post(MAILGUN_URLENCODED, body=_mailgun_resigned(SIGNING_KEY)).status_code == 200


def test_mailgun_is_refused_without_a_signing_key(support):
    # Anyone can sign with an empty key; Anymail would accept it.
    with override_settings(ANYMAIL={**ANYMAIL, "MAILGUN_WEBHOOK_SIGNING_KEY": ""}):
        response = post(MAILGUN_URLENCODED, body=_mailgun_resigned(""))
    assert response.status_code == 503
    assert not InboundEmail.objects.exists()


def test_ses_subscription_is_logged_for_an_admin_to_confirm(support, caplog):
    confirmation = _sns("subscription_confirmation.json")
    assert post(confirmation, secret=None).status_code == 401
    with caplog.at_level(logging.WARNING, logger="rapport.channels.email.webhooks"):
        assert post(confirmation).status_code == 200
    assert "Action=ConfirmSubscription" in caplog.text
    assert not InboundEmail.objects.exists()


# --- Failures: the provider must hear them and retry -------------------------------


@contextmanager
def inbound_table_locked() -> Iterator[None]:
    """Another database connection holds the inbound table, as a long migration would."""
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        import psycopg

        other = psycopg.connect(
            dbname=settings["NAME"], user=settings["USER"], password=settings["PASSWORD"],
            host=settings["HOST"], port=settings["PORT"] or None,
        )
        other.execute("SET lock_timeout = '5s'")
        other.execute("LOCK TABLE email_channel_inboundemail IN ACCESS EXCLUSIVE MODE")
        with connection.cursor() as cursor:  # this test's transaction only
            cursor.execute("SET LOCAL lock_timeout = '100ms'")
    else:
        # The test database is SQLite's shared-cache memory database: a reader in an
        # open transaction keeps writers off the table ("database table is locked").
        assert "mode=memory" in settings["NAME"]
        other = sqlite3.connect(settings["NAME"], uri=True, isolation_level=None)
        other.execute("BEGIN")
        other.execute("SELECT count(*) FROM email_channel_inboundemail").fetchall()
    try:
        yield
    finally:
        other.rollback()
        other.close()


@pytest.mark.parametrize("delivery", ONE_PER_PROVIDER, ids=lambda d: d.provider)
def test_a_database_failure_answers_500_so_the_provider_retries(support, delivery):
    with inbound_table_locked():
        response = post(delivery)
    assert response.status_code == 500
    assert not InboundEmail.objects.exists()
    assert post(delivery).status_code == 200  # the retry, once the database is back


def test_ses_s3_action_fails_loudly_without_boto3(support):
    # The mail sits in S3; a 500 makes SNS retry and shows up in the error log.
    assert post(_sns("inbound_s3.json")).status_code == 500
    assert not InboundEmail.objects.exists()


def test_a_payload_over_the_upload_limit_is_refused(support):
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1024):
        response = post(POSTMARK)
    assert response.status_code == 400
    assert not InboundEmail.objects.exists()
