"""What customers and agents searched for and did not find: what to write next."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Max, Q
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from rapport.accounts.decorators import AgentRequest, supervisor_required
from rapport.search import deflection
from rapport.search.models import Deflection, SearchLog

PERIODS = (7, 30, 90)
TOP = 30


@require_GET
@supervisor_required
def report(request: AgentRequest) -> HttpResponse:
    days = _period(request.GET.get("days"))
    since = timezone.now() - timedelta(days=days)
    logs = SearchLog.objects.filter(created_at__gte=since)
    grouped = logs.values("normalized").annotate(
        searches=Count("pk"), empty=Count("pk", filter=Q(results=0)), last=Max("created_at"),
    )
    return render(request, "search/report.html", {
        "days": days, "periods": PERIODS,
        "not_found": logs.filter(results=0).values("normalized").annotate(
            empty=Count("pk"), last=Max("created_at"),
        ).order_by("-empty", "-last")[:TOP],
        "popular": grouped.order_by("-searches", "-last")[:TOP],
        "by_source": logs.values("source").annotate(
            searches=Count("pk"), empty=Count("pk", filter=Q(results=0))
        ).order_by("source"),
        "sources": dict(SearchLog.Source.choices),
        "deflections": _deflection_rows(since),
    })


def _deflection_rows(since: object) -> list[dict[str, object]]:
    counted = deflection.summary(since)
    return [
        {"label": label, **counted.get(key, {"opened": 0, "answered": 0, "unanswered": 0})}
        for key, label in Deflection.Source.choices
    ]


def _period(raw: str | None) -> int:
    try:
        days = int(raw or 30)
    except ValueError:
        return 30
    return days if days in PERIODS else 30
