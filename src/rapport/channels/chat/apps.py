from django.apps import AppConfig


class ChatChannelConfig(AppConfig):
    name = "rapport.channels.chat"
    label = "chat_channel"
    verbose_name = "Chat channel"

    def ready(self) -> None:
        # An agent's public reply on a chat ticket goes to the visitor's websocket.
        from rapport.channels.chat.delivery import deliver
        from rapport.tickets.delivery import register_deliverer
        from rapport.tickets.models import Channel

        register_deliverer(Channel.CHAT, deliver)
