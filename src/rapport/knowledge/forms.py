"""Forms of the knowledge base's pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from rapport.accounts.models import Role, User
from rapport.knowledge.models import Audience, Section, TranslationStatus
from rapport.knowledge.queries import all_locales
from rapport.knowledge.services import ArticleSettings


class SectionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        language = translation.get_language() or "en"
        return f"{obj.category.name_in(language)} › {obj.name_in(language)}"


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


def _agents() -> Any:
    return User.objects.filter(is_active=True, role__in=Role.values).order_by(
        "first_name", "username")


class ArticleSettingsForm(forms.Form):
    section = SectionChoiceField(
        label=_("Category and section"), queryset=Section.objects.select_related("category")
    )
    audience = forms.ChoiceField(label=_("Audience"), choices=Audience.choices)
    owner = OwnerChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)
    review_by = forms.DateField(
        label=_("Review by"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _agents()  # type: ignore[attr-defined]

    def article_settings(self) -> ArticleSettings:
        data = self.cleaned_data
        return ArticleSettings(section=data["section"], audience=data["audience"],
                               owner=data.get("owner"), review_by=data.get("review_by"))


class ArticleForm(ArticleSettingsForm):
    """The editor: the article's settings and one translation's text."""

    locale = forms.ChoiceField(label=_("Language"), required=False)
    title = forms.CharField(label=_("Title"), max_length=200)
    body_markdown = forms.CharField(
        label=_("Text (Markdown)"), required=False,
        widget=forms.Textarea(attrs={"rows": 22, "spellcheck": "true"}),
    )
    note = forms.CharField(
        label=_("What changed (version note)"), max_length=200, required=False
    )

    def __init__(self, *args: Any, choose_locale: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if choose_locale:
            self.fields["locale"].required = True
            self.fields["locale"].choices = [  # type: ignore[attr-defined]
                (loc.code, str(loc)) for loc in all_locales()]
        else:
            del self.fields["locale"]


class ReviewForm(forms.Form):
    owner = OwnerChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)
    review_by = forms.DateField(
        label=_("Review by"), required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _agents()  # type: ignore[attr-defined]


class ListFilterForm(forms.Form):
    locale = forms.ChoiceField(label=_("Language"), required=False)
    only_locale = forms.BooleanField(label=_("Only articles in this language"), required=False)
    audience = forms.ChoiceField(
        label=_("Audience"), required=False, choices=[("", _("All")), *Audience.choices]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *TranslationStatus.choices]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["locale"].choices = [  # type: ignore[attr-defined]
            (loc.code, str(loc)) for loc in all_locales()]

    def value(self, name: str, default: Any = "") -> Any:
        if not self.is_valid():
            return default
        return self.cleaned_data.get(name) or default


class VoteForm(forms.Form):
    helpful = forms.TypedChoiceField(
        choices=[("yes", _("Yes")), ("no", _("No"))], coerce=lambda v: v == "yes"
    )
