"""The visitor's websocket route; it is outside the same-origin validator (see asgi)."""

from django.urls import path

from rapport.channels.chat.consumers import VisitorChatConsumer

VISITOR_PREFIX = "/ws/chat/"

visitor_websocket_urlpatterns = [
    path("ws/chat/<str:site_key>/", VisitorChatConsumer.as_asgi()),
]
