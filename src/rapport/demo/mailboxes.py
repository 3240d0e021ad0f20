"""The demo's mailboxes: mail sent to them through `rapport smtpd` becomes tickets."""

from rapport.accounts.models import Team
from rapport.channels.email.models import InboundKind, Mailbox

# (address, name, team, default language)
DEMO_MAILBOXES = (
    ("support@northwind-parcel.example", "Northwind Parcel support", "Deliveries", "en"),
    ("billing@northwind-parcel.example", "Northwind Parcel billing", "Billing", "en"),
    ("help@northwind-parcel.example", "Northwind Parcel technical help", "Technical support", "en"),
)


def ensure_mailboxes(teams: dict[str, Team]) -> int:
    for address, name, team, language in DEMO_MAILBOXES:
        Mailbox.objects.update_or_create(
            address=address,
            defaults={"team": teams.get(team)},  # teams are recreated on a demo reset
            create_defaults={"name": name, "team": teams.get(team), "language": language,
                             "inbound": InboundKind.PUSH, "sender_name": name},
        )
    return len(DEMO_MAILBOXES)
