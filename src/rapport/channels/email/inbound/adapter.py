"""ParsedMessage → the filters' InboundMail, and the filter context for a mailbox."""

from __future__ import annotations

from django.conf import settings

from rapport.channels.email.filters.base import FilterContext
from rapport.channels.email.filters.mail import (
    RAPPORT_HEADER_PREFIX,
    WANTED_HEADERS,
    DeliveryReport,
    InboundMail,
    RecipientReport,
)
from rapport.channels.email.models import Mailbox
from rapport.channels.email.parsing import ParsedMessage


def inbound_mail(parsed: ParsedMessage) -> InboundMail:
    headers = {
        name: "\n".join(values)
        for name, values in parsed.headers.items()
        if name in WANTED_HEADERS or name.startswith(RAPPORT_HEADER_PREFIX)
    }
    if parsed.message_id:
        headers["message-id"] = f"<{parsed.message_id}>"
    return InboundMail(
        headers=headers,
        subject=parsed.subject,
        from_address=parsed.from_address or "",
        text=parsed.text,
        is_multipart_report=parsed.is_multipart_report,
        report=_report(parsed),
    )


def _report(parsed: ParsedMessage) -> DeliveryReport | None:
    if parsed.report is None:
        return None
    return DeliveryReport(
        report_type=parsed.report.report_type,
        recipients=tuple(
            RecipientReport(r.address, r.action, r.status, r.diagnostic)
            for r in parsed.report.recipients
        ),
    )


def filter_context(mailbox: Mailbox | None, own_addresses: frozenset[str]) -> FilterContext:
    from rapport.channels.email.outbound.queries import recent_acknowledgements

    return FilterContext(
        instance_id=settings.RAPPORT_INSTANCE_ID,
        own_addresses=own_addresses,
        own_message_id_domains=frozenset({settings.RAPPORT_EMAIL_DOMAIN.lower()}),
        mailbox_trusted=bool(mailbox and mailbox.trusted),
        # The count only matters when an acknowledgement could follow.
        recent_auto_replies_to=(
            (lambda address: recent_acknowledgements(address, hours=1))
            if mailbox is not None and mailbox.acknowledge_new
            else (lambda address: 0)
        ),
    )
