"""Self-service that worked: a suggested article the customer opened and found helpful.

Suggestions in the contact form and the chat widget link through `record_view`, which
notes the browser's help-center voter key; the customer's "Yes, this helped" vote on
that article (a HelpfulVote saved with the same key) then marks it as helped.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from rapport.search.models import Deflection

VOTE_WINDOW = timedelta(hours=2)


def record_view(translation_id: int, *, source: str, query: str, voter_key: str) -> Deflection:
    return Deflection.objects.create(
        source=source, translation_id=translation_id, query=query[:200], voter_key=voter_key,
        created_at=timezone.now(),
    )


def on_vote_saved(instance: Any, **kwargs: Any) -> None:
    """A vote on an article opened from a suggestion decides whether it helped."""
    if not instance.voter_key:
        return
    Deflection.objects.filter(
        translation_id=instance.translation_id, voter_key=instance.voter_key,
        created_at__gte=timezone.now() - VOTE_WINDOW,
    ).update(helped=instance.helpful)


def summary(since: Any) -> dict[str, Any]:
    rows = Deflection.objects.filter(created_at__gte=since).values("source").annotate(
        opened=Count("pk"), answered=Count("pk", filter=Q(helped=True)),
        unanswered=Count("pk", filter=Q(helped=False)),
    )
    return {row["source"]: row for row in rows}
