"""Server-to-widget frames (docs/chat-protocol.md), built from timeline messages."""

from __future__ import annotations

from typing import Any

from rapport.channels.chat.models import ChatConversation
from rapport.tickets.models import Direction, Message


def message_frame(message: Message, client_id: str | None = None) -> dict[str, Any]:
    from rapport.channels.chat.uploads import attachment_frames  # uploads imports this module

    by_visitor = message.direction == Direction.INBOUND
    name = ""
    if not by_visitor and message.author_user is not None:
        name = message.author_user.first_name or message.author_user.get_username()
    return {
        "type": "message",
        "seq": message.seq,
        "client_id": client_id,
        "author": "visitor" if by_visitor else "agent",
        "name": name,
        "text": message.body_text,
        "at": message.created_at.isoformat(),
        "attachments": attachment_frames(message),
    }


def status_frame(conversation: ChatConversation, agent_name: str | None = None) -> dict[str, Any]:
    return {"type": "status", "status": conversation.status, "agent": agent_name}
