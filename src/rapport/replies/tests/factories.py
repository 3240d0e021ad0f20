"""Replies made through the service verb's writer, so their search index is real."""

from typing import Any

from rapport.replies.models import CannedReply
from rapport.replies.services import ReplyDraft, _write


def make_reply(*, owner: Any = None, title: str = "Refund issued", shortcut: str = "",
               texts: dict[str, str] | None = None, folder: Any = None,
               default_language: str = "en") -> CannedReply:
    texts = texts or {"en": "Hello {{ customer.first_name }}, your refund is on its way."}
    draft = ReplyDraft(title=title, shortcut=shortcut, folder=folder, shared=owner is None,
                       default_language=default_language, texts=texts)
    return _write(CannedReply(created_by=owner), draft, owner=owner)
