"""Admin for agents, teams and skills. Changes to an agent's account are audited."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from rapport.accounts.models import Membership, Skill, Team, User
from rapport.audit.services import record_audit


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["team"]
    verbose_name = _("team membership")
    verbose_name_plural = _("team memberships")


class TeamMemberInline(MembershipInline):
    autocomplete_fields = ["user"]
    verbose_name = _("member")
    verbose_name_plural = _("members")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "get_full_name", "email", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active", "teams", "skills"]
    search_fields = ["username", "first_name", "last_name", "email"]
    filter_horizontal = ["skills", "groups", "user_permissions"]
    inlines = [MembershipInline]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (_("Rapport"), {"fields": ("role", "languages", "ui_language", "skills")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("Rapport"), {"fields": ("role", "email", "first_name", "last_name")}),
    )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        changed = sorted(f for f in form.changed_data if f not in {"password", "password1",
                                                                  "password2"})
        record_audit(
            "accounts.user_changed" if change else "accounts.user_created",
            actor=request.user, target=obj, data={"fields": changed},
            ip_address=request.META.get("REMOTE_ADDR"),
        )


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "description", "created_at"]
    search_fields = ["name"]
    inlines = [TeamMemberInline]


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    search_fields = ["name"]
