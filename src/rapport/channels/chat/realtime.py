"""Channel-layer group names of the chat."""


def conversation_group(conversation_id: int) -> str:
    return f"chat.conversation.{conversation_id}"
