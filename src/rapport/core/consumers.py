"""The agent's websocket: ticket changes for the tickets this agent may see, and presence.

Presence (collision detection) keeps no state in a server process's memory that others
depend on. Each open ticket page has one socket; it joins the channel-layer group
``ticket.<id>.presence`` only after ``visible_tickets`` says the agent may see that
ticket, so an agent who may not learns nothing (no frame at all, not even a refusal).
The group *is* the shared state, and with channels-redis it spans every server process:

* joining sends ``presence.hello`` to the group; everyone there answers the newcomer's
  channel directly with their own state, and records the newcomer;
* the browser repeats ``viewing`` every ``HEARTBEAT_SECONDS`` (20 s); each repeat is sent
  to the group as ``presence.state``, so every socket refreshes what it knows of the
  others and keeps typing flags in step; ``typing`` changes are sent the same way;
* leaving (another ticket, ``leave``, the socket closing) sends ``presence.left``;
* a peer not heard from for ``EXPIRY_SECONDS`` (60 s) is dropped: that covers a server
  process that died without saying goodbye.

What each socket knows of the others is only a cache of those messages, rebuilt from the
group at any time; the browser gets the whole list (``{"type": "presence", ...}``) each
time it changes, other tabs of the same agent left out.
"""

import time
from typing import Any

from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from channels.layers import InMemoryChannelLayer

from rapport.accounts.availability import mark_available
from rapport.channels.chat.realtime import conversation_group as chat_group
from rapport.core.realtime import (
    ALL_TICKETS_GROUP,
    agent_group,
    presence_group,
    relay_acquire,
    relay_release,
    team_group,
)
from rapport.tickets.queries import visible_tickets

HEARTBEAT_SECONDS = 20  # the browser's rhythm (rapport.js uses the same number)
EXPIRY_SECONDS = 60


def _ticket_id(content: dict[str, Any]) -> int | None:
    value = content.get("ticket")
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


class AgentEventsConsumer(AsyncJsonWebsocketConsumer):
    groups_joined: list[str]
    relaying = False
    presence_ticket: int | None = None
    chat_conversation: int | None = None  # the chat of the ticket being viewed, if any
    typing = False

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self.close(code=4401)
            return
        self.user = user
        self.others: dict[str, dict[str, Any]] = {}
        self.shown: list[dict[str, Any]] | None = None
        self.groups_joined = await self._groups_for(user)
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        if isinstance(self.channel_layer, InMemoryChannelLayer):
            relay_acquire(self.channel_layer)  # events of the worker process (embedded mode)
            self.relaying = True
        await _mark_available(user.id)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        await self._leave()
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)
        if self.relaying:
            relay_release()
            self.relaying = False

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if not isinstance(content, dict):
            return
        # Any frame from an agent page (the page's heartbeat included) means the agent
        # is at their desk: the chat widget shows "online" while someone is.
        await _mark_available(self.user.id)
        kind, ticket = content.get("type"), _ticket_id(content)
        if ticket is None:
            return
        if kind == "viewing":
            await self._viewing(ticket)
        elif kind == "typing" and ticket == self.presence_ticket:
            typing = content.get("typing") is True
            if typing != self.typing:
                self.typing = typing
                await self._announce("presence.state")
                await self._tell_visitor_typing()
        elif kind == "leave" and ticket == self.presence_ticket:
            await self._leave()

    # --- events for the agent's tickets ------------------------------------------------
    async def ticket_changed(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "ticket.changed", "ticket": event["ticket"]})

    async def chat_waiting(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "chat.waiting", "ticket": event["ticket"],
                              "waited_seconds": event.get("waited_seconds")})

    async def chat_transferred(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "chat.transferred", "ticket": event["ticket"],
                              "by": event.get("by"), "note": event.get("note")})

    async def agent_alert(self, event: dict[str, Any]) -> None:
        """A line for this agent, already in their language (offers, alarms, SLA warnings)."""
        await self.send_json({"type": "agent.alert", "text": event.get("text", ""),
                              "kind": event.get("kind", ""), "ticket": event.get("ticket"),
                              "url": event.get("url")})

    # --- the visitor of the chat ticket being viewed -------------------------------------
    async def chat_frame(self, event: dict[str, Any]) -> None:
        """Frames of the viewed chat: the visitor typing, reading, writing."""
        frame, ticket = event.get("frame") or {}, self.presence_ticket
        if event.get("sender") == self.channel_name or frame.get("author") != "visitor":
            return
        if frame.get("type") == "typing":
            await self.send_json({"type": "chat.typing", "ticket": ticket,
                                  "typing": bool(frame.get("typing"))})
        elif frame.get("type") == "read":
            await self.send_json({"type": "chat.read", "ticket": ticket, "seq": frame.get("seq")})
        elif frame.get("type") == "message" and isinstance(frame.get("seq"), int):
            await self._mark_chat_read(frame["seq"])  # the agent has the chat in front of them

    async def chat_watcher(self, event: dict[str, Any]) -> None:
        """Another agent page opened the chat; only the visitor's socket answers that."""

    async def _tell_visitor_typing(self) -> None:
        if self.chat_conversation is None:
            return
        await self.channel_layer.group_send(chat_group(self.chat_conversation), {
            "type": "chat.frame", "sender": self.channel_name,
            "frame": {"type": "typing", "author": "agent", "typing": self.typing,
                      "name": self.user.first_name or self.user.get_username()},
        })

    # --- presence: messages from the browser -------------------------------------------
    async def _viewing(self, ticket: int) -> None:
        if ticket != self.presence_ticket:
            await self._leave()
        visible, conversation = await self._may_see(ticket)
        if not visible:
            await self._leave()  # e.g. moved to another team since the page was opened
            return
        if ticket != self.presence_ticket:
            self.presence_ticket, self.typing = ticket, False
            await self.channel_layer.group_add(presence_group(ticket), self.channel_name)
            await self._announce("presence.hello")
            if conversation is not None:
                self.chat_conversation = conversation
                await self.channel_layer.group_add(chat_group(conversation), self.channel_name)
                await self.channel_layer.group_send(chat_group(conversation), {
                    "type": "chat.watcher", "channel": self.channel_name,
                })
                await self._mark_chat_read(None)
        else:
            await self._announce("presence.state")  # the heartbeat
        await self._show()

    async def _leave(self) -> None:
        ticket = self.presence_ticket
        if ticket is None:
            return
        was_typing = self.typing
        self.presence_ticket, self.typing = None, False
        await self.channel_layer.group_discard(presence_group(ticket), self.channel_name)
        if self.chat_conversation is not None:
            if was_typing:
                await self._tell_visitor_typing()
            await self.channel_layer.group_discard(chat_group(self.chat_conversation),
                                                   self.channel_name)
            self.chat_conversation = None
        await self.channel_layer.group_send(
            presence_group(ticket),
            {"type": "presence.left", "ticket": ticket, "channel": self.channel_name},
        )
        self.others, self.shown = {}, None

    def _state(self, kind: str) -> dict[str, Any]:
        return {
            "type": kind, "ticket": self.presence_ticket, "channel": self.channel_name,
            "user": self.user.pk, "name": str(self.user), "typing": self.typing,
        }

    async def _announce(self, kind: str) -> None:
        if self.presence_ticket is not None:
            await self.channel_layer.group_send(presence_group(self.presence_ticket),
                                                self._state(kind))

    # --- presence: messages from the other sockets on the same ticket ------------------
    def _is_peer(self, event: dict[str, Any]) -> bool:
        return (
            self.presence_ticket is not None and event.get("ticket") == self.presence_ticket
            and event.get("channel") != self.channel_name
        )

    def _record(self, event: dict[str, Any]) -> None:
        self.others[event["channel"]] = {
            "id": event["user"], "name": event["name"], "typing": bool(event["typing"]),
            "seen": time.monotonic(),
        }

    async def presence_hello(self, event: dict[str, Any]) -> None:
        if not self._is_peer(event):
            return
        self._record(event)
        await self.channel_layer.send(event["channel"], self._state("presence.state"))
        await self._show()

    async def presence_state(self, event: dict[str, Any]) -> None:
        if self._is_peer(event):
            self._record(event)
            await self._show()

    async def presence_left(self, event: dict[str, Any]) -> None:
        if self._is_peer(event) and self.others.pop(event["channel"], None) is not None:
            await self._show()

    async def _show(self) -> None:
        """Send the browser who else is here, when that changed."""
        if self.presence_ticket is None:
            return
        now = time.monotonic()
        self.others = {c: o for c, o in self.others.items() if now - o["seen"] < EXPIRY_SECONDS}
        people: dict[int, dict[str, Any]] = {}
        for other in self.others.values():
            if other["id"] == self.user.pk:
                continue  # the same agent in another tab is no collision
            person = people.setdefault(other["id"], {"id": other["id"], "name": other["name"],
                                                     "typing": False})
            person["typing"] = person["typing"] or other["typing"]
        shown = sorted(people.values(), key=lambda p: (p["name"].casefold(), p["id"]))
        if shown != self.shown:
            self.shown = shown
            await self.send_json({"type": "presence", "ticket": self.presence_ticket,
                                  "others": shown})

    # --- database ----------------------------------------------------------------------
    @database_sync_to_async
    def _groups_for(self, user: Any) -> list[str]:
        if user.sees_all_tickets:
            return [ALL_TICKETS_GROUP]
        teams = list(user.teams.values_list("id", flat=True))
        return [agent_group(user.id), *(team_group(t) for t in teams)]

    @database_sync_to_async
    def _may_see(self, ticket: int) -> tuple[bool, int | None]:
        """(may this agent see the ticket, the id of its chat conversation if any)."""
        found = visible_tickets(self.user).filter(pk=ticket).values_list("chat", flat=True)
        rows = list(found[:1])
        return (bool(rows), rows[0] if rows else None)

    @database_sync_to_async
    def _mark_chat_read(self, seq: int | None) -> None:
        from rapport.channels.chat.services import mark_agent_read

        if self.chat_conversation is not None:
            mark_agent_read(self.chat_conversation, seq)


_mark_available = sync_to_async(mark_available, thread_sensitive=False)
