"""Writing the audit log. Callers pass who acted; nothing here reads a request."""

from typing import Any

from django.db import models

from rapport.audit.models import AuditEntry


def record_audit(
    action: str,
    *,
    actor: Any = None,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
    ip_address: str | None = None,
) -> AuditEntry:
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor=user,
        actor_repr=str(actor) if actor is not None else "system",
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:250] if target is not None else "",
        data=data or {},
        ip_address=ip_address,
    )
