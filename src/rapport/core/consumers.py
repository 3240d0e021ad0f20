"""The agent's event stream: ticket changes for the tickets this agent may see."""

from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from rapport.core.realtime import ALL_TICKETS_GROUP, agent_group, team_group


class AgentEventsConsumer(AsyncJsonWebsocketConsumer):
    groups_joined: list[str]

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated or not user.is_active:
            await self.close(code=4401)
            return
        self.groups_joined = await self._groups_for(user)
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        # The stream is server-to-client only.
        return

    async def ticket_changed(self, event: dict[str, Any]) -> None:
        await self.send_json({"type": "ticket.changed", "ticket": event["ticket"]})

    @database_sync_to_async
    def _groups_for(self, user: Any) -> list[str]:
        if user.sees_all_tickets:
            return [ALL_TICKETS_GROUP]
        teams = list(user.teams.values_list("id", flat=True))
        return [agent_group(user.id), *(team_group(t) for t in teams)]
