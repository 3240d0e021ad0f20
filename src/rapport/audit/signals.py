"""Every change made in the Django admin (settings, teams, tags, custom fields, customers,
and deletions) is mirrored into the audit log from the admin's own LogEntry."""

from typing import Any

from django.contrib.admin.models import ADDITION, DELETION, LogEntry
from django.db.models.signals import post_save
from django.dispatch import receiver

from rapport.audit.models import AuditEntry

_ACTIONS = {ADDITION: "added", DELETION: "deleted"}
# Agent accounts are audited by their admin with the changed fields and the IP address.
_AUDITED_ELSEWHERE = {"accounts.user"}


@receiver(post_save, sender=LogEntry, dispatch_uid="audit_admin_log_entry")
def mirror_admin_change(sender: type, instance: LogEntry, created: bool, **kwargs: Any) -> None:
    if not created or instance.content_type is None:
        return
    label = f"{instance.content_type.app_label}.{instance.content_type.model}"
    if label in _AUDITED_ELSEWHERE:
        return
    AuditEntry.objects.create(
        actor=instance.user,
        actor_repr=str(instance.user),
        action=f"admin.{_ACTIONS.get(instance.action_flag, 'changed')}",
        target_type=label,
        target_id=instance.object_id or "",
        target_repr=instance.object_repr[:250],
        data={"change": instance.get_change_message()},
    )
