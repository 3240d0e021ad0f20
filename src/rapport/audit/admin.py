"""The audit log, readable by admins and never editable (not even by superusers)."""

from django.contrib import admin

from rapport.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor_repr", "action", "target_type", "target_repr",
                    "ip_address"]
    list_filter = ["action", "target_type"]
    search_fields = ["actor_repr", "action", "target_repr", "target_id", "ip_address"]
    date_hierarchy = "created_at"
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        user = request.user
        is_admin = user.is_superuser or getattr(user, "is_rapport_admin", False)
        return bool(user.is_active and is_admin)

    def has_module_permission(self, request):
        return self.has_view_permission(request)
