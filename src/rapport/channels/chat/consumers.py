"""The visitor's websocket (docs/chat-protocol.md): hello / start / message / typing /
read / end / rate, with resume by sequence number and once-only storage by client id.

Security: the Origin must be one of the site's allowed origins (cross-site websocket
hijacking is refused); a visitor only ever joins its own conversation's group; frames
are size- and rate-limited with a clear error; an idle connection is closed.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import deque
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from rapport.channels.chat import services
from rapport.channels.chat.frames import status_frame
from rapport.channels.chat.models import ChatConversation, ChatSite, ChatVisitor
from rapport.channels.chat.realtime import conversation_group
from rapport.channels.chat.visitors import (
    attach_identity,
    verified_identity,
    visitor_for,
    visitor_token,
)
from rapport.core.errors import DomainError

MAX_FRAME_BYTES = 8 * 1024
RATE_FRAMES, RATE_SECONDS = 20, 10.0
IDLE_SECONDS = 600.0
SEEN_SECONDS = 60.0  # how often an open socket says the visitor is still there
CLOSE_FORBIDDEN, CLOSE_IDLE = 4403, 4408


def _origin(scope: dict[str, Any]) -> str:
    for name, value in scope.get("headers", []):
        if name == b"origin":
            return value.decode("latin-1").rstrip("/")
    return ""


@database_sync_to_async
def _site(key: str) -> ChatSite | None:
    return ChatSite.objects.filter(key=key, active=True).select_related("team").first()


class VisitorChatConsumer(AsyncWebsocketConsumer):
    site: ChatSite
    visitor: ChatVisitor | None = None
    conversation: ChatConversation | None = None
    idle_seconds: float = IDLE_SECONDS
    typing = False  # the last typing state the widget sent

    async def connect(self) -> None:
        site = await _site(self.scope["url_route"]["kwargs"]["site_key"])
        allowed = {o.rstrip("/") for o in (site.allowed_origins if site else [])}
        if site is None or _origin(self.scope) not in allowed:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.site = site
        self.recent: deque[float] = deque()
        self.idle_task = asyncio.ensure_future(self._close_when_idle())
        self.last_frame_at = time.monotonic()
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "idle_task"):
            self.idle_task.cancel()
        if self.visitor is not None:
            await _seen(self.visitor.pk)  # the moment the visitor left
        if self.conversation is not None:
            await self.channel_layer.group_discard(
                conversation_group(self.conversation.pk), self.channel_name
            )

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        self.last_frame_at = time.monotonic()
        raw = text_data if text_data is not None else (bytes_data or b"").decode("utf-8", "replace")
        if self._over_rate():  # first: a flood of oversized frames is a flood too
            await self._send({"type": "error", "code": "rate_limited", "retry_after": 5})
            return
        if len(raw.encode("utf-8")) > MAX_FRAME_BYTES:
            await self._error("frame_too_large", f"Frames are limited to {MAX_FRAME_BYTES} bytes.")
            return
        try:
            frame = json.loads(raw)
        except ValueError:
            frame = None
        if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
            await self._error("invalid", "A frame is a JSON object with a type.")
            return
        handler = getattr(self, f"on_{frame['type']}", None)
        if handler is None or (self.visitor is None and frame["type"] != "hello"):
            await self._error("invalid", "Unknown frame, or hello was not sent first.")
            return
        try:
            await handler(frame)
        except DomainError as exc:
            await self._error(exc.code, str(exc.message))

    def _over_rate(self) -> bool:
        now = time.monotonic()
        while self.recent and now - self.recent[0] > RATE_SECONDS:
            self.recent.popleft()
        if len(self.recent) >= RATE_FRAMES:
            return True
        self.recent.append(now)
        return False

    async def _close_when_idle(self) -> None:
        seen_at = time.monotonic()
        while True:
            await asyncio.sleep(max(0.05, min(self.idle_seconds / 10, SEEN_SECONDS)))
            now = time.monotonic()
            if now - self.last_frame_at > self.idle_seconds:
                await self.close(code=CLOSE_IDLE)
                return
            if self.visitor is not None and now - seen_at >= SEEN_SECONDS:
                seen_at = now
                await _seen(self.visitor.pk)

    # --- frames from the widget ----------------------------------------------------
    async def on_hello(self, frame: dict[str, Any]) -> None:
        welcome = await self._hello(frame.get("token"), frame.get("identity"),
                                    _int(frame.get("last_seq")))
        if self.conversation is not None:
            await self.channel_layer.group_add(
                conversation_group(self.conversation.pk), self.channel_name
            )
        await self._send(welcome)

    @database_sync_to_async
    def _hello(self, token: Any, identity: Any, last_seq: int) -> dict[str, Any]:
        self.visitor = visitor_for(self.site, token if isinstance(token, str) else None)
        claims = verified_identity(self.site, identity)
        if claims is not None:
            attach_identity(self.visitor, claims)
        self.conversation = services.current_conversation(self.visitor)
        conversation = self.conversation
        return {
            "type": "welcome",
            "token": visitor_token(self.visitor),
            "conversation": (
                {"id": conversation.pk, "status": conversation.status} if conversation else None
            ),
            "messages": services.messages_after(conversation, last_seq) if conversation else [],
            "agent_read_seq": conversation.agent_read_seq if conversation else 0,
        }

    async def on_start(self, frame: dict[str, Any]) -> None:
        if self.conversation is not None and self.conversation.status == "ended":
            await self.channel_layer.group_discard(
                conversation_group(self.conversation.pk), self.channel_name
            )
            self.conversation = None  # a new chat on the same connection
        self.prechat = {k: str(frame.get(k) or "")[:200] for k in ("name", "email")}
        question = frame.get("question")
        if isinstance(question, str) and question.strip() and self.conversation is None:
            await self.on_message({"client_id": "prechat-question", "text": question})

    async def on_message(self, frame: dict[str, Any]) -> None:
        client_id = frame.get("client_id")
        if not isinstance(client_id, str) or not 0 < len(client_id) <= 64:
            await self._error("invalid", "A message needs a client_id of up to 64 characters.")
            return
        seq, opened = await self._store(client_id, frame.get("text"))
        if opened is not None:
            await self.channel_layer.group_add(conversation_group(opened), self.channel_name)
            await self._send(status_frame(self.conversation))  # type: ignore[arg-type]
        await self._send({"type": "ack", "client_id": client_id, "seq": seq})

    @database_sync_to_async
    def _store(self, client_id: str, text: Any) -> tuple[int, int | None]:
        assert self.visitor is not None
        if self.conversation is None:
            prechat = getattr(self, "prechat", {})
            self.conversation, message = services.open_conversation(
                self.site, self.visitor, text=text, client_id=client_id,
                name=prechat.get("name", ""), email=prechat.get("email", ""),
            )
            return message.seq, self.conversation.pk
        message, _ = services.post_visitor_message(
            self.conversation, client_id=client_id, text=text
        )
        return message.seq, None

    async def on_typing(self, frame: dict[str, Any]) -> None:
        if self.conversation is not None:
            self.typing = bool(frame.get("typing"))
            await self.channel_layer.group_send(conversation_group(self.conversation.pk), {
                "type": "chat.frame", "sender": self.channel_name,
                "frame": {"type": "typing", "author": "visitor",
                          "typing": bool(frame.get("typing"))},
            })

    async def on_read(self, frame: dict[str, Any]) -> None:
        if self.conversation is not None:
            await database_sync_to_async(services.mark_read)(
                self.conversation, seq=_int(frame.get("seq")), by_agent=False
            )

    async def on_end(self, frame: dict[str, Any]) -> None:
        if self.conversation is None:
            await self._error("not_started", "There is no chat to end.")
            return
        await database_sync_to_async(services.end_conversation)(self.conversation)

    async def on_rate(self, frame: dict[str, Any]) -> None:
        conversation = self.conversation or await self._last_conversation()
        if conversation is None:
            await self._error("not_started", "There is no chat to rate.")
            return
        await database_sync_to_async(services.rate_conversation)(
            conversation, score=frame.get("score"), comment=frame.get("comment")
        )
        await self._send({"type": "rated", "score": frame.get("score")})

    async def on_transcript(self, frame: dict[str, Any]) -> None:
        conversation = self.conversation or await self._last_conversation()
        if conversation is None:
            await self._error("not_started", "There is no chat to send.")
            return
        await database_sync_to_async(services.request_transcript)(
            conversation, email=frame.get("email")
        )
        await self._send({"type": "transcript", "sent": True})

    @database_sync_to_async
    def _last_conversation(self) -> ChatConversation | None:
        return ChatConversation.objects.filter(visitor=self.visitor).order_by("-started_at").first()

    # --- events from the channel layer ---------------------------------------------
    async def chat_frame(self, event: dict[str, Any]) -> None:
        if event.get("sender") == self.channel_name:
            return  # our own typing indicator
        frame = event["frame"]
        if frame.get("type") == "status" and self.conversation is not None:
            self.conversation.status = frame["status"]
        await self._send(frame)

    async def chat_watcher(self, event: dict[str, Any]) -> None:
        """An agent page has just opened this chat: it missed a typing frame sent earlier."""
        if self.typing and isinstance(event.get("channel"), str):
            await self.channel_layer.send(event["channel"], {
                "type": "chat.frame", "sender": self.channel_name,
                "frame": {"type": "typing", "author": "visitor", "typing": True},
            })

    async def _send(self, frame: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(frame, ensure_ascii=False))

    async def _error(self, code: str, message: str) -> None:
        await self._send({"type": "error", "code": code, "message": message})


_seen = database_sync_to_async(services.visitor_seen)


def _int(value: Any) -> int:
    return value if isinstance(value, int) and value >= 0 else 0
