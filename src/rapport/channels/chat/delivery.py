"""The chat deliverer: an agent's public reply on a chat ticket reaches the widget."""

from rapport.tickets.models import Message


def deliver(message: Message) -> None:
    from rapport.channels.chat.services import record_agent_reply

    record_agent_reply(message)
