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

        from datetime import timedelta

        from rapport.channels.chat.tasks import watch_chats
        from rapport.core.schedule import register_periodic

        register_periodic(watch_chats, every=timedelta(seconds=15))

        from rapport.channels.chat.agent_views import ticket_panel
        from rapport.tickets.panels import register_panel

        register_panel(ticket_panel)
