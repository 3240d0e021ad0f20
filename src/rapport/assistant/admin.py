"""Admin for the assistant: phrase rules (editable), checks and accepted suggestions (read)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from rapport.assistant import services
from rapport.assistant.forms import PhraseRuleForm
from rapport.assistant.models import AcceptedSuggestion, PhraseRule, ReplyCheck


@admin.register(PhraseRule)
class PhraseRuleAdmin(admin.ModelAdmin):
    form = PhraseRuleForm
    list_display = ["phrase", "language", "category", "enabled", "is_builtin", "updated_at"]
    list_filter = ["language", "category", "enabled", "is_builtin"]
    list_editable = ["enabled"]
    search_fields = ["phrase", "explanation"]
    readonly_fields = ["is_builtin", "created_by", "updated_at"]

    def save_model(self, request: HttpRequest, obj: PhraseRule, form: Any, change: bool) -> None:
        services.save_rule(obj, actor=request.user)  # type: ignore[arg-type]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ReplyCheck)
class ReplyCheckAdmin(ReadOnlyAdmin):
    list_display = ["message", "agent", "language", "findings_count", "suggestions_accepted",
                    "customer_upset", "latte_complete", "created_at"]
    list_filter = ["language", "customer_upset", "latte_complete"]
    raw_id_fields = ["message", "agent"]


@admin.register(AcceptedSuggestion)
class AcceptedSuggestionAdmin(ReadOnlyAdmin):
    list_display = ["phrase", "alternative", "agent", "ticket", "reply_check", "created_at"]
    raw_id_fields = ["ticket", "agent", "rule", "reply_check"]
