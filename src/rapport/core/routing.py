"""Websocket routes. Each domain adds its consumers here explicitly."""

from django.urls import path

from rapport.core.consumers import AgentEventsConsumer

websocket_urlpatterns = [
    path("ws/agent/", AgentEventsConsumer.as_asgi()),
]
