"""What other apps add to the ticket page: side panels and composer tools.

An app registers a function in its AppConfig.ready(); it returns the HTML for a ticket
it has something to say about, or None. The ticket app knows nothing of those apps.
Side panels (e.g. the chat's live state) sit beside the timeline; composer tools sit in
the reply form: "toolbar" above the text (canned replies, articles), "below" under it
(the positive-language assistant).
"""

from collections.abc import Callable
from typing import Any, Literal

from django.utils.safestring import SafeString

from rapport.tickets.models import Ticket

Panel = Callable[[Any, Ticket], SafeString | None]
_panels: list[Panel] = []


def register_panel(panel: Panel) -> None:
    if panel not in _panels:
        _panels.append(panel)


def render_panels(request: Any, ticket: Ticket) -> list[SafeString]:
    return [html for panel in _panels if (html := panel(request, ticket)) is not None]


ComposerSlot = Literal["toolbar", "below"]
_composer_tools: dict[str, list[Panel]] = {"toolbar": [], "below": []}


def register_composer_tool(tool: Panel, slot: ComposerSlot = "toolbar") -> None:
    if tool not in _composer_tools[slot]:
        _composer_tools[slot].append(tool)


def render_composer_tools(request: Any, ticket: Ticket) -> dict[str, list[SafeString]]:
    return {
        slot: [html for tool in tools if (html := tool(request, ticket)) is not None]
        for slot, tools in _composer_tools.items()
    }
