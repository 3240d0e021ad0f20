"""What the widget is told before a chat starts: is anyone there, and how long the
wait really is — measured from recent chats, never a promise of "instant"."""

from __future__ import annotations

import statistics
from datetime import timedelta

from django.utils import timezone

from rapport.accounts.availability import available
from rapport.accounts.models import Presence, User
from rapport.channels.chat.models import ChatConversation, ChatSite, ConversationStatus
from rapport.reports.models import ReportingEvent
from rapport.reports.models import ReportingEventName as RE

WAIT_WINDOW = timedelta(hours=3)
MIN_SAMPLES = 3


def agents_available(site: ChatSite) -> list[int]:
    agents = User.objects.filter(is_active=True, presence=Presence.ONLINE)
    if site.team_id:
        agents = agents.filter(teams=site.team_id)
    return available(agents.values_list("pk", flat=True))


def waiting_count(site: ChatSite) -> int:
    return ChatConversation.objects.filter(site=site, status=ConversationStatus.WAITING).count()


def expected_wait_seconds(site: ChatSite, agents_online: int) -> int | None:
    """Median first-reply wait of the site's recent chats, scaled by the queue ahead.

    None when there are too few recent chats to say: the widget then shows no number
    rather than a made-up one.
    """
    since = timezone.now() - WAIT_WINDOW
    waits = ReportingEvent.objects.filter(
        name=RE.CHAT_FIRST_REPLY, occurred_at__gte=since, channel="chat",
        **({"team_id": site.team_id} if site.team_id else {}),
    ).values_list("duration_seconds", flat=True)
    samples = [w for w in waits if w is not None]
    if len(samples) < MIN_SAMPLES:
        return None
    median = statistics.median(samples)
    ahead = waiting_count(site) // max(agents_online, 1)
    return round(median * (1 + ahead))


def invitations(site: ChatSite) -> list[dict[str, object]]:
    return [
        {"id": i.pk, "message": i.message, "url_pattern": i.url_pattern,
         "seconds_on_page": i.seconds_on_page, "returning_only": i.returning_only,
         "min_pages": i.min_pages}
        for i in site.invitations.filter(active=True).order_by("pk")
    ]
