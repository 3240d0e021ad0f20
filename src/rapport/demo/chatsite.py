"""The demo's chat site: the widget on /chat/demo/ talks to the Deliveries team."""

from django.conf import settings

from rapport.accounts.models import Team
from rapport.channels.chat.models import ChatSite

DEMO_SITE_NAME = "Northwind Parcel shop"


def ensure_chat_site(teams: dict[str, Team]) -> int:
    base = settings.SITE_URL.rstrip("/")
    origins = sorted({base, "http://127.0.0.1:8000", "http://localhost:8000"})
    ChatSite.objects.update_or_create(
        name=DEMO_SITE_NAME,
        defaults={"team": teams.get("Deliveries")},
        create_defaults={
            "team": teams.get("Deliveries"), "allowed_origins": origins, "language": "en",
            "greeting": "Hi! Where is your parcel? Ask us.",
            "prechat": {"name": "optional", "email": "optional", "question": "optional"},
        },
    )
    return 1
