"""Canned replies for the permission matrix (core/tests): made on first use, by name."""

from typing import Any

from rapport.accounts.models import User
from rapport.replies.models import CannedReply, ReplyFolder, ReplyUse, ReplyVariant

PROBE_TEXT = "Probe reply about {{ ticket.subject }}"


def probe_folder() -> ReplyFolder:
    return ReplyFolder.objects.get_or_create(owner=None, name="Probe folder")[0]


def probe_reply(owner: User | None = None) -> CannedReply:
    """A shared reply (owner None), or the owner's personal one."""
    title = "Probe reply" if owner is None else f"Probe reply of {owner.username}"
    reply, created = CannedReply.objects.get_or_create(
        owner=owner, title=title, defaults={"folder": probe_folder() if owner is None else None})
    if created:
        ReplyVariant.objects.create(reply=reply, language="en", body=PROBE_TEXT)
    return reply


def replies_state(world: Any) -> list[Any]:
    """Every reply with its count, every folder, every use: whatever a request changed."""
    probe_reply()
    probe_reply(world.users["billing_agent"])
    return [
        list(CannedReply.objects.order_by("pk").values_list("pk", "usage_count")),
        list(ReplyFolder.objects.order_by("pk").values_list("pk", flat=True)),
        ReplyUse.objects.count(),
    ]
