"""Canned replies' verbs: save and delete replies and folders; insert a reply into a
ticket's reply box (rendered for that ticket, and counted). Each is one transaction."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from rapport.accounts.models import User
from rapport.core.errors import InvalidInput, NotFound, PermissionDenied
from rapport.replies import rendering
from rapport.replies.context import ticket_context
from rapport.replies.languages import choose_variant, normalise, wanted_languages
from rapport.replies.models import CannedReply, ReplyFolder, ReplyUse, ReplyVariant
from rapport.replies.queries import (
    can_edit,
    fold,
    manages_shared,
    usable_replies,
    visible_folders,
)
from rapport.tickets.models import Ticket
from rapport.tickets.queries import visible_tickets


@dataclass(frozen=True)
class ReplyDraft:
    title: str
    default_language: str
    texts: dict[str, str] = field(default_factory=dict)  # language -> text; empty ones dropped
    shortcut: str = ""
    folder: ReplyFolder | None = None
    shared: bool = False


@dataclass(frozen=True)
class Inserted:
    text: str
    language: str


@transaction.atomic
def save_reply(draft: ReplyDraft, *, actor: User, reply: CannedReply | None = None
               ) -> CannedReply:
    """Create a reply (reply=None) or replace one's fields and texts with the draft's."""
    if reply is not None and not can_edit(actor, reply):
        raise PermissionDenied(_("You may not change this reply."), code="reply_forbidden")
    _check_draft(draft, actor)
    reply = reply or CannedReply(created_by=actor)
    return _write(reply, draft, owner=None if draft.shared else actor)


def _write(reply: CannedReply, draft: ReplyDraft, *, owner: User | None) -> CannedReply:
    texts = {normalise(code): text for code, text in draft.texts.items() if text.strip()}
    reply.title = draft.title.strip()
    reply.shortcut = draft.shortcut.strip().lstrip("/")
    reply.folder = draft.folder
    reply.owner = owner
    reply.default_language = normalise(draft.default_language)
    reply.save()
    reply.variants.exclude(language__in=list(texts)).delete()
    for code, text in texts.items():
        ReplyVariant.objects.update_or_create(reply=reply, language=code,
                                              defaults={"body": text})
    index_for_search(reply)
    return reply


def index_for_search(reply: CannedReply) -> None:
    """Keep the folded copy search reads in step with the title, shortcut and texts."""
    texts = list(reply.variants.values_list("body", flat=True))
    reply.search_folded = fold(" ".join([reply.title, reply.shortcut, *texts]))
    CannedReply.objects.filter(pk=reply.pk).update(search_folded=reply.search_folded)


@transaction.atomic
def install_shared_reply(draft: ReplyDraft) -> tuple[CannedReply, bool]:
    """For setup code such as the demo: the shared reply with the draft's shortcut,
    created from the draft when there is none yet (an existing one is left as it is)."""
    for text in draft.texts.values():
        rendering.validate(text)
    existing = CannedReply.objects.filter(owner__isnull=True, shortcut=draft.shortcut).first()
    if existing is not None:
        return existing, False
    return _write(CannedReply(), draft, owner=None), True


@transaction.atomic
def install_shared_folder(name: str, position: int) -> ReplyFolder:
    folder, _created = ReplyFolder.objects.get_or_create(
        owner=None, name=name, defaults={"position": position})
    return folder


def _check_draft(draft: ReplyDraft, actor: User) -> None:
    if draft.shared and not manages_shared(actor):
        raise PermissionDenied(_("Only supervisors and admins manage shared replies."),
                               code="reply_forbidden")
    folder = draft.folder
    if folder is not None:
        if not visible_folders(actor).filter(pk=folder.pk).exists():
            raise NotFound(_("This folder does not exist."), code="folder_not_found")
        if draft.shared and not folder.is_shared:
            raise InvalidInput(_("A shared reply belongs in a shared folder."),
                               code="folder_not_shared")
    texts = {normalise(code): text for code, text in draft.texts.items() if text.strip()}
    if not texts:
        raise InvalidInput(_("Write the reply in at least one language."), code="reply_empty")
    if normalise(draft.default_language) not in texts:
        raise InvalidInput(_("Write the text in the default language too, or choose another "
                             "default language."), code="reply_default_missing")
    for text in texts.values():
        rendering.validate(text)


@transaction.atomic
def delete_reply(reply: CannedReply, *, actor: User) -> None:
    if not can_edit(actor, reply):
        raise PermissionDenied(_("You may not delete this reply."), code="reply_forbidden")
    reply.delete()


@transaction.atomic
def save_folder(*, actor: User, name: str, position: int = 0, shared: bool = False,
                folder: ReplyFolder | None = None) -> ReplyFolder:
    if folder is not None and not can_edit(actor, folder):
        raise PermissionDenied(_("You may not change this folder."), code="folder_forbidden")
    if shared and not manages_shared(actor):
        raise PermissionDenied(_("Only supervisors and admins manage shared folders."),
                               code="folder_forbidden")
    folder = folder or ReplyFolder()
    if folder.pk is not None and folder.is_shared and not shared:
        # Made personal: the shared replies in it would sit in a folder nobody else sees.
        folder.replies.filter(owner__isnull=True).update(folder=None)
    folder.name = name.strip()
    folder.position = position
    folder.owner = None if shared else actor
    folder.save()
    return folder


@transaction.atomic
def delete_folder(folder: ReplyFolder, *, actor: User) -> None:
    """The folder goes; its replies stay, outside any folder."""
    if not can_edit(actor, folder):
        raise PermissionDenied(_("You may not delete this folder."), code="folder_forbidden")
    folder.delete()


@transaction.atomic
def insert_reply(reply: CannedReply, *, ticket: Ticket, agent: User, language: str = ""
                 ) -> Inserted:
    """The reply's text for this ticket, in the customer's language unless another is
    asked for, rendered with the ticket's values; counted as one use."""
    if not usable_replies(agent).filter(pk=reply.pk).exists():
        raise NotFound(_("This reply does not exist."), code="reply_not_found")
    if not visible_tickets(agent).filter(pk=ticket.pk).exists():
        raise NotFound(_("This ticket does not exist."), code="ticket_not_found")
    variants = list(reply.variants.all())
    wanted = [language] if language else []
    variant = choose_variant(reply, variants, [*wanted, *wanted_languages(ticket, agent)])
    if variant is None:
        raise InvalidInput(_("This reply has no text yet."), code="reply_empty")
    text = rendering.render(
        variant.body, ticket_context(ticket, agent=agent, language=variant.language)
    )
    ReplyUse.objects.create(reply=reply, agent=agent, ticket=ticket, language=variant.language)
    CannedReply.objects.filter(pk=reply.pk).update(
        usage_count=F("usage_count") + 1, last_used_at=timezone.now()
    )
    return Inserted(text=text, language=variant.language)
