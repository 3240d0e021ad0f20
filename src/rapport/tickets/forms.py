"""Forms of the agent UI: they parse input; the service verbs decide what is allowed."""

from typing import Any

from django import forms
from django.conf import settings
from django.forms.renderers import Jinja2
from django.utils.translation import gettext_lazy as _

from rapport.accounts.queries import active_agents, all_teams
from rapport.tickets.attachments import IncomingFile
from rapport.tickets.inbox import SORTS, VIEWS, InboxQuery
from rapport.tickets.models import Channel, Priority, Status

SORT_LABELS = {"updated": _("Last updated"), "created": _("Newest"), "priority": _("Priority")}


def agent_choices(
    *, include_me: bool, include_none: bool, agents: list[Any] | None = None
) -> list[tuple[str, Any]]:
    choices: list[tuple[str, Any]] = [("", _("Anyone"))]
    if include_me:
        choices.append(("me", _("Me")))
    if include_none:
        choices.append(("none", _("Nobody (unassigned)")))
    agents = list(active_agents()) if agents is None else agents
    return choices + [(str(u.pk), str(u)) for u in agents]


# Django ships Jinja2 versions of its widget templates; they render several times faster,
# which matters for the inbox forms with their many options on every page load. (Not
# project-wide: the admin's own widgets exist only as Django templates.)
FAST_RENDERER = Jinja2()


class InboxFilterForm(forms.Form):
    default_renderer = FAST_RENDERER

    view = forms.ChoiceField(choices=list(VIEWS.items()), required=False)
    q = forms.CharField(required=False, max_length=200)
    status = forms.MultipleChoiceField(
        label=_("Status"), choices=Status.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    priority = forms.TypedMultipleChoiceField(
        label=_("Priority"), choices=Priority.choices, coerce=int, required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=all_teams(), required=False, empty_label=_("Any team")
    )
    assignee = forms.ChoiceField(label=_("Assignee"), required=False)
    tag = forms.CharField(label=_("Tag"), required=False, max_length=64)
    channel = forms.ChoiceField(
        label=_("Channel"), choices=[("", _("Any channel")), *Channel.choices], required=False
    )
    language = forms.ChoiceField(
        label=_("Language"), choices=[("", _("Any language")), *settings.LANGUAGES],
        required=False,
    )
    sort = forms.ChoiceField(
        label=_("Sort by"), choices=[(k, SORT_LABELS[k]) for k in SORTS], required=False
    )
    cursor = forms.CharField(required=False, max_length=1000, widget=forms.HiddenInput)

    def __init__(self, *args: Any, agents: list[Any] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = agent_choices(  # type: ignore[attr-defined]
            include_me=True, include_none=True, agents=agents
        )

    def to_query(self) -> InboxQuery:
        data = self.cleaned_data
        return InboxQuery(
            view=data["view"] or "my_open",
            status=list(data["status"]),
            priority=list(data["priority"]),
            team=data["team"].pk if data["team"] else None,
            assignee=data["assignee"],
            tag=data["tag"].strip(),
            channel=data["channel"],
            language=data["language"],
            search=data["q"].strip(),
            sort=data["sort"] or "updated",
        )


class IdListField(forms.Field):
    """Ticket ids from checkboxes; which of them the agent may touch is decided later."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "required": _("Select at least one ticket."),
        "invalid": _("The selection is not valid."),
    }

    def to_python(self, value: Any) -> list[int]:
        if not value:
            return []
        if not isinstance(value, list | tuple) or not all(str(v).isdigit() for v in value):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return sorted({int(v) for v in value})


class BulkActionForm(forms.Form):
    default_renderer = FAST_RENDERER

    ACTIONS = ("status", "assign", "team", "tag")

    ticket = IdListField()
    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS])
    status = forms.ChoiceField(choices=[("", "—"), *Status.choices], required=False)
    assignee = forms.ChoiceField(required=False)
    team = forms.ModelChoiceField(queryset=all_teams(), required=False)
    tag = forms.CharField(max_length=64, required=False)

    def __init__(self, *args: Any, agents: list[Any] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = agent_choices(  # type: ignore[attr-defined]
            include_me=True, include_none=True, agents=agents
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        needs = {"status": "status", "assign": "assignee", "tag": "tag"}
        field = needs.get(data.get("action", ""))
        if field and not data.get(field):
            self.add_error(field, _("Choose a value for this action."))
        return data


class ComposerForm(forms.Form):
    KIND_CHOICES = [("reply", _("Reply to customer")), ("note", _("Internal note"))]
    AFTER_CHOICES = [
        ("", _("Keep status")),
        (Status.OPEN, _("Open")),
        (Status.PENDING, _("Pending (waiting for customer)")),
        (Status.ON_HOLD, _("On hold")),
        (Status.SOLVED, _("Solved")),
    ]

    kind = forms.ChoiceField(
        label=_("Type"), choices=KIND_CHOICES, initial="reply", widget=forms.RadioSelect
    )
    body = forms.CharField(
        label=_("Message"), required=False, max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    status = forms.ChoiceField(label=_("Status after sending"), choices=AFTER_CHOICES,
                               required=False)

    def __init__(self, *args: Any, files_list: list[Any] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.uploaded = files_list or []

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        limit = settings.RAPPORT_MAX_ATTACHMENT_BYTES
        # Checked before reading, so an oversized upload is never loaded into memory.
        for f in self.uploaded:
            if f.size > limit:
                raise forms.ValidationError(
                    _("%(name)s is larger than %(mb)d MB."), code="file_too_large",
                    params={"name": f.name, "mb": limit // 2**20},
                )
        if not (data.get("body") or "").strip() and not self.uploaded:
            self.add_error("body", _("Write a message or attach a file."))
        return data

    def incoming_files(self) -> list[IncomingFile]:
        return [
            IncomingFile(
                filename=f.name or "file",
                content=f.read(),
                declared_type=f.content_type or "application/octet-stream",
            )
            for f in self.uploaded
        ]


class MergeForm(forms.Form):
    target = forms.IntegerField(label=_("Merge into ticket number"), min_value=1)
