from django.apps import AppConfig


class EmailChannelConfig(AppConfig):
    name = "rapport.channels.email"
    label = "email_channel"
    verbose_name = "Email channel"

    def ready(self) -> None:
        # Public agent replies on email tickets leave as mail, not as portal notifications.
        from rapport.channels.email.outbound.services import deliver
        from rapport.tickets.delivery import register_deliverer
        from rapport.tickets.models import Channel

        register_deliverer(Channel.EMAIL, deliver)

        from rapport.channels.email.webhooks import connect_signals

        connect_signals()
