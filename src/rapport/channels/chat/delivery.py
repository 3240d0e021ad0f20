"""The chat deliverer: an agent's public reply on a chat ticket reaches the widget while
the chat lives; after it ended (the visitor left, or it was closed) the reply follows
up by email when the customer gave an address."""

from rapport.channels.chat.models import ChatConversation, ConversationStatus
from rapport.tickets.models import Message, Ticket


def deliver(message: Message) -> None:
    from rapport.channels.chat.services import record_agent_reply

    conversation = ChatConversation.objects.filter(ticket_id=message.ticket_id).first()
    if conversation is not None and conversation.status != ConversationStatus.ENDED:
        record_agent_reply(message, conversation)
        return
    if follow_up_address(message.ticket):
        from rapport.channels.email.outbound.services import queue_reply

        queue_reply(message)


def follow_up_address(ticket: Ticket) -> str:
    """The address an ended chat's follow-up goes to, or "" when there is none."""
    return ticket.requester.email or ""
