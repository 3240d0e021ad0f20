"""Reads of canned replies, always starting from what the asker may use or manage.

Shared replies (no owner) are everyone's to use; a personal reply is its owner's alone
(not even supervisors see it). Shared replies and folders are managed by supervisors
and admins; each agent manages their own.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet

from rapport.accounts.models import User
from rapport.replies.models import CannedReply, ReplyFolder, ReplyVariant

SUGGESTION_LIMIT = 20


def fold(text: str) -> str:
    """Lowercase without accents, in any script: "Ёлка" and "ёлка" → "елка", "Ć" → "c"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def manages_shared(user: User) -> bool:
    return user.sees_all_tickets


def usable_replies(user: User) -> QuerySet[CannedReply]:
    return CannedReply.objects.filter(Q(owner__isnull=True) | Q(owner=user))


def editable_replies(user: User) -> QuerySet[CannedReply]:
    if manages_shared(user):
        return usable_replies(user)
    return CannedReply.objects.filter(owner=user)


def visible_folders(user: User) -> QuerySet[ReplyFolder]:
    return ReplyFolder.objects.filter(Q(owner__isnull=True) | Q(owner=user))


def editable_folders(user: User) -> QuerySet[ReplyFolder]:
    if manages_shared(user):
        return visible_folders(user)
    return ReplyFolder.objects.filter(owner=user)


def can_edit(user: User, item: CannedReply | ReplyFolder) -> bool:
    return item.owner_id == user.pk or (item.owner_id is None and manages_shared(user))


def matching(replies: QuerySet[CannedReply], query: str) -> QuerySet[CannedReply]:
    """Replies whose title, shortcut or any text holds every word of the query."""
    for word in fold(query).split():
        replies = replies.filter(search_folded__contains=word)
    return replies


def with_variants(replies: QuerySet[CannedReply]) -> QuerySet[CannedReply]:
    return replies.select_related("folder").prefetch_related(
        Prefetch("variants", queryset=ReplyVariant.objects.order_by("language"))
    )


def suggestions(user: User, query: str) -> list[CannedReply]:
    """For the "/" picker: shortcuts that start with the query first, then titles that
    hold it, then the rest; the most used first within each."""
    replies = with_variants(matching(usable_replies(user), query))
    found = list(replies.order_by("-usage_count", "title", "id")[:200])
    words = fold(query).split()
    first = words[0] if words else ""

    def rank(reply: CannedReply) -> int:
        if first and fold(reply.shortcut).startswith(first):
            return 0
        if words and all(w in fold(reply.title) for w in words):
            return 1
        return 2

    return sorted(found, key=rank)[:SUGGESTION_LIMIT]


def used_languages() -> list[str]:
    return list(ReplyVariant.objects.values_list("language", flat=True).distinct())


@dataclass
class FolderGroup:
    folder: ReplyFolder | None
    replies: list[CannedReply] = field(default_factory=list)


def library(user: User, query: str = "") -> dict[str, list[FolderGroup]]:
    """The management page's lists: "shared" and "mine", each grouped by folder in the
    folders' order, replies without a folder last."""
    replies = with_variants(matching(usable_replies(user), query)).order_by("title", "id")
    sections: dict[str, dict[int | None, FolderGroup]] = {"shared": {}, "mine": {}}
    for reply in replies:
        groups = sections["shared" if reply.is_shared else "mine"]
        group = groups.setdefault(reply.folder_id, FolderGroup(reply.folder))
        group.replies.append(reply)

    def order(group: FolderGroup) -> tuple[int, int, str]:
        folder = group.folder
        return (1, 0, "") if folder is None else (0, folder.position, fold(folder.name))

    return {key: sorted(groups.values(), key=order) for key, groups in sections.items()}
