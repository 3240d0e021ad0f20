"""ASGI entry point: HTTP through Django, websockets through Channels."""

import os
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.core.asgi import get_asgi_application  # noqa: E402

django_asgi_app = get_asgi_application()

from rapport.channels.chat.routing import (  # noqa: E402
    VISITOR_PREFIX,
    visitor_websocket_urlpatterns,
)
from rapport.core.routing import websocket_urlpatterns  # noqa: E402

# Chat visitors connect from the customers' own websites: their Origin is checked
# against each site's allow-list by the chat consumer. Everything else is same-origin.
_visitor_websockets = URLRouter(visitor_websocket_urlpatterns)
_agent_websockets = AllowedHostsOriginValidator(
    AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
)


async def websockets(scope: Any, receive: Any, send: Any) -> None:
    if scope["path"].startswith(VISITOR_PREFIX):
        await _visitor_websockets(scope, receive, send)
    else:
        await _agent_websockets(scope, receive, send)


application = ProtocolTypeRouter({"http": django_asgi_app, "websocket": websockets})
