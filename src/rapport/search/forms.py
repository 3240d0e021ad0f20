from datetime import datetime, time, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rapport.accounts.models import Team
from rapport.search.models import Kind
from rapport.search.services import MAX_QUERY_CHARS, SearchQuery
from rapport.tickets.models import Status

PAGE_SIZE = 20


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search for"), max_length=MAX_QUERY_CHARS, required=False)
    kind = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("Everything")), *Kind.choices]
    )
    status = forms.MultipleChoiceField(
        label=_("Ticket status"), required=False, choices=Status.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    team = forms.ModelChoiceField(
        label=_("Team"), required=False, queryset=Team.objects.order_by("name"),
        empty_label=_("Any team"),
    )
    since = forms.DateField(label=_("From"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))
    sort = forms.ChoiceField(
        label=_("Sort"), required=False,
        choices=[("", _("Best match")), ("newest", _("Newest first"))],
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=50,
                              widget=forms.HiddenInput)

    def search_query(self, *, source: str = "") -> SearchQuery:
        data: dict[str, Any] = self.cleaned_data
        page = data.get("page") or 1
        return SearchQuery(
            text=data.get("q") or "",
            kinds=(data["kind"],) if data.get("kind") else (),
            statuses=tuple(data.get("status") or ()),
            team_id=data["team"].pk if data.get("team") else None,
            since=_start_of(data.get("since")),
            until=_start_of(data["until"] + timedelta(days=1)) if data.get("until") else None,
            newest_first=data.get("sort") == "newest",
            limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE, source=source,
        )


def _start_of(day: Any) -> datetime | None:
    if day is None:
        return None
    return timezone.make_aware(datetime.combine(day, time.min))
