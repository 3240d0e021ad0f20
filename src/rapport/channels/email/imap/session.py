"""Opening an IMAP connection for a mailbox, and errors worded for the person who set it up."""

from __future__ import annotations

import socket
import ssl

from django.utils.translation import gettext as _
from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError

from rapport.channels.email.models import Mailbox, Security


def open_imap(mailbox: Mailbox, *, timeout: float) -> IMAPClient:
    """A logged-in client; raises OSError or IMAPClientError with the server's reason."""
    context = ssl.create_default_context()
    client = IMAPClient(
        mailbox.imap_host, port=mailbox.imap_port, ssl=mailbox.imap_security == Security.SSL,
        ssl_context=context, timeout=timeout,
    )
    try:
        if mailbox.imap_security == Security.STARTTLS:
            client.starttls(context)
        client.login(mailbox.imap_username, mailbox.imap_password)
    except BaseException:
        close_quietly(client, logout=False)
        raise
    return client


def close_quietly(client: IMAPClient, *, logout: bool = True) -> None:
    """Close the connection; a server that already hung up is no error worth reporting."""
    try:
        if logout:
            client.logout()
        else:
            client.shutdown()
    except (IMAPClientError, OSError):
        try:
            client.shutdown()
        except (IMAPClientError, OSError):
            pass


def describe_error(exc: BaseException, *, host: str, port: int, secrets: tuple[str, ...] = ()
                   ) -> str:
    """One line a person can act on; never contains a password, even if a server echoes it."""
    where = f"{host}:{port}"
    if isinstance(exc, LoginError):
        text = _("login to %(where)s failed: %(reason)s") % {
            "where": where, "reason": server_text(exc)}
    elif isinstance(exc, ssl.SSLCertVerificationError):
        text = _("the TLS certificate of %(where)s is not trusted: %(reason)s") % {
            "where": where, "reason": exc.verify_message or exc}
    elif isinstance(exc, ssl.SSLError):
        text = _("TLS with %(where)s failed: %(reason)s") % {"where": where, "reason": exc}
    elif isinstance(exc, socket.gaierror):
        text = _("the host %(host)s was not found") % {"host": host}
    elif isinstance(exc, ConnectionRefusedError):
        text = _("%(where)s refused the connection (nothing listens on that port?)") % {
            "where": where}
    elif isinstance(exc, TimeoutError):
        text = _("%(where)s did not answer in time") % {"where": where}
    elif isinstance(exc, IMAPClientError):
        text = _("the IMAP server %(where)s answered: %(reason)s") % {
            "where": where, "reason": server_text(exc)}
    else:
        text = _("connection to %(where)s failed: %(reason)s") % {
            "where": where, "reason": exc or type(exc).__name__}
    return redact(text, secrets)


def server_text(exc: BaseException) -> str:
    """The server's words without imapclient's bytes repr (b'...')."""
    text = str(exc)
    if len(text) >= 3 and text[:2] in ("b'", 'b"') and text[-1] == text[1]:
        text = text[2:-1]
    return text


def redact(text: str, secrets: tuple[str, ...]) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, "********")
    return text
