"""Files in the chat (docs/chat-protocol.md, Uploads): the visitor's upload verb, the
visitor's upload limit, and the links a visitor may follow to a conversation's files.

An upload is a customer message on the chat ticket, stored once per client_id like a
websocket message, and checked by the tickets domain like every other attachment (size,
count, file name, stored type). The visitor has no session, so a file is served by the
chat's own route, which checks the visitor token against the conversation of the file.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from rapport.channels.chat import services
from rapport.channels.chat.frames import message_frame
from rapport.channels.chat.models import (
    ChatClientMessage,
    ChatConversation,
    ChatSite,
    ChatVisitor,
    ConversationStatus,
)
from rapport.channels.chat.realtime import conversation_group
from rapport.core.effects import publish_on_commit
from rapport.core.errors import Conflict, InvalidInput
from rapport.tickets import services as tickets
from rapport.tickets.attachments import IncomingFile
from rapport.tickets.models import Attachment, Channel, Message, Status, Ticket

UPLOADS_PER_WINDOW = 10
WINDOW_SECONDS = 600
MAX_CLIENT_ID_CHARS = 64


def attachment_frames(message: Message, site_key: str | None = None) -> list[dict[str, Any]]:
    """A message's files as the widget shows them: name, size and the visitor's link.

    The link needs the visitor's token as `?token=`, which the widget adds itself; the
    frame goes to every socket of the conversation and is replayed on reconnect.
    """
    files = list(message.attachments.all())
    if not files:
        return []
    if site_key is None:
        site_key = (
            ChatConversation.objects.filter(ticket_id=message.ticket_id)
            .values_list("site__key", flat=True).first()
        )
        if site_key is None:  # not a chat ticket (any more): no link a visitor could use
            return []
    return [
        {"name": f.filename, "size": f.size,
         "url": reverse("chat_channel:file", args=[site_key, f.public_id])}
        for f in files
    ]


def upload_frame(message: Message, client_id: str | None, site_key: str) -> dict[str, Any]:
    frame = message_frame(message, client_id)
    if "attachments" not in frame:  # frames.message_frame does not list files (yet)
        frame["attachments"] = attachment_frames(message, site_key)
    return frame


def retry_after_upload(visitor: ChatVisitor) -> int:
    """Counts one upload; 0 when it may go ahead, else the seconds until it may.

    A fixed window per visitor in Django's cache, like the portal's submission limits.
    """
    key = f"rapport:chat:uploads:{visitor.pk}"
    now = int(time.time())
    cache.add(f"{key}:since", now, timeout=WINDOW_SECONDS)
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS)
        count = 1
    if count <= UPLOADS_PER_WINDOW:
        return 0
    since = cache.get(f"{key}:since") or now
    return max(1, int(since) + WINDOW_SECONDS - now)


def conversation_for_upload(visitor: ChatVisitor) -> ChatConversation:
    """The visitor's current chat, the one its websocket is in; a clear error otherwise."""
    conversation = services.current_conversation(visitor)
    if conversation is None:
        if ChatConversation.objects.filter(visitor=visitor).exists():
            raise Conflict(_("This chat has ended."), code="ended")
        raise Conflict(_("Start the chat before sending a file."), code="not_started")
    conversation.visitor = visitor
    return conversation


def clean_caption(text: Any) -> str:
    caption = text.strip() if isinstance(text, str) else ""
    if len(caption) > services.MAX_TEXT_CHARS:
        raise InvalidInput(_("The message is too long."), code="too_long")
    return caption


def clean_client_id(client_id: Any) -> str:
    """The widget's id for the upload; without one, the upload is simply not deduplicated."""
    if client_id is None or client_id == "":
        return f"upload-{uuid.uuid4()}"
    if not isinstance(client_id, str) or len(client_id) > MAX_CLIENT_ID_CHARS:
        raise InvalidInput(_("Something went wrong. Please try again."), code="invalid")
    return client_id


def post_visitor_files(
    conversation: ChatConversation, site: ChatSite, *, client_id: str, text: str,
    files: list[IncomingFile],
) -> tuple[Message, bool]:
    """(message, created): a resend with a known client_id returns the stored message."""
    try:
        return _post_visitor_files(conversation, site, client_id=client_id, text=text,
                                   files=files)
    except IntegrityError:
        # A concurrent resend under the same client_id was stored first (the unique
        # constraint, where the database has no row locks): answer with that message.
        known = _known(conversation, client_id)
        if known is None:
            raise
        return known, False


def _known(conversation: ChatConversation, client_id: str) -> Message | None:
    found = (
        ChatClientMessage.objects.filter(conversation=conversation, client_id=client_id)
        .select_related("message").first()
    )
    return found.message if found is not None else None


@transaction.atomic
def _post_visitor_files(
    conversation: ChatConversation, site: ChatSite, *, client_id: str, text: str,
    files: list[IncomingFile],
) -> tuple[Message, bool]:
    ticket = Ticket.objects.select_for_update().select_related("requester").get(
        pk=conversation.ticket_id
    )
    known = _known(conversation, client_id)
    if known is not None:
        return known, False
    status = ChatConversation.objects.filter(pk=conversation.pk).values_list(
        "status", flat=True
    ).first()
    if status == ConversationStatus.ENDED or ticket.status == Status.CLOSED:
        raise Conflict(_("This chat has ended."), code="ended")
    message = tickets.post_reply(
        ticket, actor=conversation.visitor.customer or ticket.requester,
        body=tickets.Body(text=text, files=files), channel=Channel.CHAT,
    )
    ChatClientMessage.objects.create(conversation=conversation, client_id=client_id,
                                     message=message)
    publish_on_commit([conversation_group(conversation.pk)],
                      {"type": "chat.frame", "frame": upload_frame(message, client_id, site.key)})
    return message, True


def visitor_attachment(site: ChatSite, visitor: ChatVisitor, public_id: str) -> Attachment | None:
    """A file of a public message in one of this visitor's chats on this site, else None."""
    return (
        Attachment.objects.filter(
            public_id=public_id, message__is_public=True,
            message__ticket__chat__visitor=visitor, message__ticket__chat__site=site,
        )
        .select_related("message")
        .first()
    )
