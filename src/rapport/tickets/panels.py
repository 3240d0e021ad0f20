"""Side panels that other apps add to the ticket page (e.g. the chat's live state).

A channel registers a function in its AppConfig.ready(); it returns the panel's HTML
for a ticket it knows, or None. The ticket app knows nothing of the channels.
"""

from collections.abc import Callable
from typing import Any

from django.utils.safestring import SafeString

from rapport.tickets.models import Ticket

Panel = Callable[[Any, Ticket], SafeString | None]
_panels: list[Panel] = []


def register_panel(panel: Panel) -> None:
    if panel not in _panels:
        _panels.append(panel)


def render_panels(request: Any, ticket: Ticket) -> list[SafeString]:
    return [html for panel in _panels if (html := panel(request, ticket)) is not None]
