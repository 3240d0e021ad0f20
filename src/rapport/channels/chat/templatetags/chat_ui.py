"""The sidebar's "Chats" entry: the agent's open chats and the queue, live."""

from typing import Any

from django import template

from rapport.channels.chat import console

register = template.Library()


@register.inclusion_tag("chat/_partials/nav.html", takes_context=True)
def chat_nav(context: dict[str, Any]) -> dict[str, Any]:
    user = context["request"].user
    return {
        "waiting": console.waiting_chats(user).count(),
        "mine": console.my_chats(user).count(),
        "current": context.get("section") == "chats",
    }
