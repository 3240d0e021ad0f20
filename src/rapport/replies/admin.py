"""Admin for canned replies: texts are checked like on the agents' form."""

from django import forms
from django.contrib import admin

from rapport.replies import rendering
from rapport.replies.models import CannedReply, ReplyFolder, ReplyUse, ReplyVariant
from rapport.replies.services import index_for_search


class VariantForm(forms.ModelForm):
    class Meta:
        model = ReplyVariant
        fields = ["language", "body"]

    def clean_body(self) -> str:
        body = self.cleaned_data.get("body") or ""
        try:
            rendering.validate(body)
        except rendering.TemplateRefused as exc:
            raise forms.ValidationError(exc.message) from exc
        return body


class VariantInline(admin.StackedInline):
    model = ReplyVariant
    form = VariantForm
    extra = 0


@admin.register(CannedReply)
class CannedReplyAdmin(admin.ModelAdmin):
    list_display = ["title", "shortcut", "folder", "owner", "usage_count", "last_used_at"]
    list_filter = ["folder"]
    search_fields = ["title", "shortcut"]
    inlines = [VariantInline]

    def save_related(self, request, form, formsets, change):  # type: ignore[no-untyped-def]
        super().save_related(request, form, formsets, change)
        index_for_search(form.instance)


@admin.register(ReplyFolder)
class ReplyFolderAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "position"]


@admin.register(ReplyUse)
class ReplyUseAdmin(admin.ModelAdmin):
    list_display = ["reply", "agent", "ticket_id", "language", "created_at"]
    readonly_fields = ["reply", "agent", "ticket", "language", "created_at"]
