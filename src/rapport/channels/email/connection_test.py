"""Trying a mailbox's saved IMAP and SMTP settings: connect, secure, log in, report.

Results are meant for the admin who typed the settings: one sentence each, saying what
worked or what to fix, and never the password (even when a server echoes it back).
Nothing is fetched, marked or sent.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass

from django.utils.translation import gettext as _
from imapclient.exceptions import IMAPClientError

from rapport.channels.email.imap.session import (
    close_quietly,
    describe_error,
    open_imap,
    redact,
    server_text,
)
from rapport.channels.email.models import AfterImport, InboundKind, Mailbox, OutboundKind, Security

TIMEOUT = 10.0


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    message: str


def check_mailbox(mailbox: Mailbox, *, timeout: float = TIMEOUT) -> list[CheckResult]:
    """Every connection this mailbox is configured to make."""
    results = []
    if mailbox.inbound == InboundKind.IMAP:
        results.append(check_imap(mailbox, timeout=timeout))
    if mailbox.outbound == OutboundKind.SMTP:
        results.append(check_smtp(mailbox, timeout=timeout))
    if not results:
        results.append(CheckResult(True, _(
            "Nothing to test: this mailbox receives mail delivered to Rapport and sends "
            "through Rapport's default sender.")))
    return results


def check_imap(mailbox: Mailbox, *, timeout: float = TIMEOUT) -> CheckResult:
    if not mailbox.imap_host:
        return CheckResult(False, _("IMAP: no server is set."))
    where = f"{mailbox.imap_host}:{mailbox.imap_port}"
    try:
        client = open_imap(mailbox, timeout=timeout)
    except (IMAPClientError, OSError) as exc:
        return _imap_failure(mailbox, exc)
    try:
        status = client.select_folder(mailbox.imap_folder, readonly=True)
        target_missing = (mailbox.imap_after_import == AfterImport.MOVE
                          and not client.folder_exists(mailbox.imap_move_to))
    except (IMAPClientError, OSError) as exc:
        return CheckResult(False, redact(_(
            "IMAP: logged in to %(where)s as %(user)s, but the folder %(folder)s could not "
            "be opened: %(reason)s") % {"where": where, "user": mailbox.imap_username,
                                        "folder": mailbox.imap_folder,
                                        "reason": server_text(exc)},
            (mailbox.imap_password,)))
    finally:
        close_quietly(client)
    done = _("IMAP: logged in to %(where)s as %(user)s; the folder %(folder)s holds "
             "%(count)s message(s).") % {"where": where, "user": mailbox.imap_username,
                                         "folder": mailbox.imap_folder,
                                         "count": status.get(b"EXISTS", 0)}
    if target_missing:
        return CheckResult(False, done + " " + _(
            "But the folder %(folder)s to move imported mail to does not exist.")
            % {"folder": mailbox.imap_move_to})
    return CheckResult(True, done)


def _imap_failure(mailbox: Mailbox, exc: BaseException) -> CheckResult:
    reason = describe_error(exc, host=mailbox.imap_host, port=mailbox.imap_port,
                            secrets=(mailbox.imap_password,))
    return CheckResult(False, _("IMAP: %(reason)s") % {"reason": reason})


def check_smtp(mailbox: Mailbox, *, timeout: float = TIMEOUT) -> CheckResult:
    if not mailbox.smtp_host:
        return CheckResult(False, _("SMTP: no server is set."))
    host, port = mailbox.smtp_host, mailbox.smtp_port
    try:
        steps = _smtp_session(mailbox, timeout)
    except smtplib.SMTPAuthenticationError as exc:
        reason = _("login as %(user)s was refused: %(code)s %(reason)s") % {
            "user": mailbox.smtp_username, "code": exc.smtp_code,
            "reason": _smtp_text(exc.smtp_error)}
    except smtplib.SMTPNotSupportedError as exc:
        reason = _("the server does not support this: %(reason)s") % {"reason": exc}
    except smtplib.SMTPResponseException as exc:
        reason = _("the server answered %(code)s %(reason)s") % {
            "code": exc.smtp_code, "reason": _smtp_text(exc.smtp_error)}
    except (smtplib.SMTPException, OSError) as exc:
        reason = describe_error(exc, host=host, port=port)
    else:
        return CheckResult(True, _("SMTP: connected to %(where)s: %(steps)s.") % {
            "where": f"{host}:{port}", "steps": ", ".join(steps)})
    return CheckResult(False, redact(_("SMTP: %(reason)s") % {"reason": reason},
                                     (mailbox.smtp_password,)))


def _smtp_session(mailbox: Mailbox, timeout: float) -> list[str]:
    """Connect, EHLO, STARTTLS and log in as configured; the steps that succeeded."""
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if mailbox.smtp_security == Security.SSL:
        smtp = smtplib.SMTP_SSL(mailbox.smtp_host, mailbox.smtp_port, timeout=timeout,
                                context=context)
        steps = [_("TLS")]
    else:
        smtp = smtplib.SMTP(mailbox.smtp_host, mailbox.smtp_port, timeout=timeout)
        steps = []
    try:
        smtp.ehlo()
        steps.append(_("EHLO accepted"))
        if mailbox.smtp_security == Security.STARTTLS:
            smtp.starttls(context=context)
            smtp.ehlo()
            steps.append(_("STARTTLS"))
        if mailbox.smtp_username:
            smtp.login(mailbox.smtp_username, mailbox.smtp_password)
            steps.append(_("logged in as %(user)s") % {"user": mailbox.smtp_username})
    finally:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()
    return steps


def _smtp_text(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value
