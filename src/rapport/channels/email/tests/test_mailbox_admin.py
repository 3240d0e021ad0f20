"""The mailbox admin: write-only passwords, addresses, and the connection test.

The connection test talks to real servers: the test Dovecot (tests/dovecot.py) for IMAP
and an aiosmtpd server with AUTH for SMTP; "closed port" is a port nobody listens on.
"""

from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from rapport.audit.models import AuditEntry
from rapport.channels.email.connection_test import check_imap, check_mailbox, check_smtp
from rapport.channels.email.forms import MailboxForm
from rapport.channels.email.models import Mailbox
from rapport.channels.email.tests.smtp_sink import free_port

pytestmark = pytest.mark.django_db

IMAP_SECRET = "imap-S3cret-value"
SMTP_SECRET = "smtp-S3cret-value"
FORM_FIELDS = MailboxForm.Meta.fields


@pytest.fixture
def mailbox(dovecot):
    return Mailbox.objects.create(
        name="Support", address="support@example.test", inbound="imap",
        imap_host=dovecot.host, imap_port=dovecot.port, imap_security="none",
        imap_username="support", imap_password=IMAP_SECRET, imap_folder="INBOX",
        outbound="smtp", smtp_host="127.0.0.1", smtp_port=free_port(),
        smtp_security="none", smtp_password=SMTP_SECRET,
    )


@pytest.fixture
def admin_client(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


@pytest.fixture
def smtp_server() -> Iterator[int]:
    """An SMTP server accepting AUTH PLAIN/LOGIN for agent / smtp-pass, without TLS."""

    def authenticate(server, session, envelope, mechanism, data):
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
            b"agent", b"smtp-pass")
        return AuthResult(success=ok, handled=False)

    port = free_port()
    controller = Controller(object(), hostname="127.0.0.1", port=port,
                            authenticator=authenticate, auth_require_tls=False)
    controller.start()
    yield port
    controller.stop()


def change_url(mailbox: Mailbox) -> str:
    return reverse("admin:email_channel_mailbox_change", args=[mailbox.pk])


def form_data(mailbox: Mailbox, **changes: object) -> dict[str, object]:
    """What the browser posts for the change form as it was rendered (passwords blank)."""
    data: dict[str, object] = {}
    for name in FORM_FIELDS:
        value = getattr(mailbox, "team_id" if name == "team" else name)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        else:
            data[name] = "" if value is None or name.endswith("_password") else value
    data.update(changes)
    return {k: v for k, v in data.items() if v is not False}


def flashed(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_change_form_never_contains_a_password(admin_client, mailbox):
    response = admin_client.get(change_url(mailbox))

    html = response.content.decode()
    assert response.status_code == 200
    assert IMAP_SECRET not in html
    assert SMTP_SECRET not in html
    assert 'type="password" name="imap_password"' in html
    assert "Leave blank to keep the current password." in html
    assert '<div class="readonly">set</div>' in html
    assert "Save and test connection" in html


def test_blank_password_keeps_the_stored_one(admin_client, mailbox):
    response = admin_client.post(change_url(mailbox), form_data(mailbox, name="Support desk"))

    assert response.status_code == 302
    mailbox.refresh_from_db()
    assert (mailbox.name, mailbox.imap_password, mailbox.smtp_password) == (
        "Support desk", IMAP_SECRET, SMTP_SECRET)
    entry = AuditEntry.objects.get(action="email.mailbox_changed")
    assert entry.data == {"fields": ["name"]}


def test_new_password_replaces_and_clearing_removes(admin_client, mailbox):
    admin_client.post(change_url(mailbox), form_data(mailbox, imap_password="brand-new"))
    admin_client.post(change_url(mailbox), form_data(mailbox, clear_smtp_password="on"))

    mailbox.refresh_from_db()
    assert (mailbox.imap_password, mailbox.smtp_password) == ("brand-new", "")
    changes = AuditEntry.objects.filter(action="email.mailbox_changed").order_by("pk")
    assert [e.data["fields"] for e in changes] == [["imap_password"], ["smtp_password"]]
    assert "brand-new" not in str([e.data for e in changes])


def test_address_is_stored_lowercase_and_validated(admin_client, mailbox):
    admin_client.post(change_url(mailbox), form_data(mailbox, address=" Help@Example.TEST "))
    mailbox.refresh_from_db()
    assert mailbox.address == "help@example.test"

    for bad in ("not an address", "help+billing@example.test"):
        response = admin_client.post(change_url(mailbox), form_data(mailbox, address=bad))
        assert response.status_code == 200
        assert response.context["adminform"].form.errors["address"]


@pytest.mark.parametrize(("changes", "field"), [
    ({"imap_host": "imap.example.com"}, "imap_security"),  # a password in clear over a network
    ({"imap_after_import": "move", "imap_move_to": ""}, "imap_move_to"),
    ({"imap_after_import": "move", "imap_move_to": "INBOX"}, "imap_move_to"),
    ({"imap_host": ""}, "imap_host"),
])
def test_inconsistent_settings_are_refused(mailbox, changes, field):
    form = MailboxForm(data=form_data(mailbox, **changes), instance=mailbox)
    assert not form.is_valid()
    assert field in form.errors


def test_connection_action_reports_success_against_dovecot(admin_client, mailbox, dovecot):
    Mailbox.objects.filter(pk=mailbox.pk).update(
        imap_password=dovecot.password("support"), outbound="default")
    url = reverse("admin:email_channel_mailbox_changelist")

    response = admin_client.post(url, {"action": "test_connection",
                                       "_selected_action": [mailbox.pk]}, follow=True)

    [message] = flashed(response)
    assert message.startswith("support@example.test: IMAP: logged in to 127.0.0.1:")
    assert "folder INBOX holds" in message


def test_save_and_test_reports_a_wrong_password_without_showing_it(admin_client, mailbox):
    response = admin_client.post(
        change_url(mailbox), {**form_data(mailbox, outbound="default"), "_test_connection": "1"},
        follow=True)

    assert response.redirect_chain[-1][0] == change_url(mailbox)
    text = " ".join(flashed(response))
    assert "The mailbox was saved." in text
    assert "Authentication failed" in text
    assert IMAP_SECRET not in text


def test_imap_check_failures_are_clear(mailbox, dovecot):
    mailbox.imap_port = free_port()
    assert "refused the connection" in check_imap(mailbox, timeout=2).message

    mailbox.imap_port, mailbox.imap_password = dovecot.port, dovecot.password("support")
    mailbox.imap_folder = "No such folder"
    result = check_imap(mailbox, timeout=2)
    assert not result.ok
    assert "No such folder" in result.message

    mailbox.imap_folder, mailbox.imap_after_import, mailbox.imap_move_to = (
        "INBOX", "move", "Missing")
    result = check_imap(mailbox, timeout=2)
    assert not result.ok
    assert "Missing" in result.message


def test_smtp_check_logs_in_and_reports_failures(mailbox, smtp_server):
    mailbox.smtp_port, mailbox.smtp_username = smtp_server, "agent"
    mailbox.smtp_password = "smtp-pass"
    ok = check_smtp(mailbox, timeout=2)
    assert ok.ok, ok.message
    assert "logged in as agent" in ok.message

    mailbox.smtp_password = "wrong-smtp-pass"
    refused = check_smtp(mailbox, timeout=2)
    assert not refused.ok
    assert "535" in refused.message
    assert "wrong-smtp-pass" not in refused.message

    mailbox.smtp_security = "starttls"
    no_tls = check_smtp(mailbox, timeout=2)
    assert not no_tls.ok
    assert "STARTTLS" in no_tls.message

    mailbox.smtp_port = free_port()
    assert "refused the connection" in check_smtp(mailbox, timeout=2).message


def test_push_mailbox_has_nothing_to_test():
    mailbox = Mailbox(name="Push", address="push@example.test")
    [result] = check_mailbox(mailbox)
    assert result.ok
    assert "Nothing to test" in result.message
