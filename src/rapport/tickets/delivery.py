"""Which channel carries a public agent reply to the customer.

A channel registers a deliverer for its tickets in its AppConfig.ready(). post_reply
calls `deliver_reply` inside its transaction, so the channel can queue its outbound
record atomically with the message and send it after commit. Tickets of a channel
without a deliverer get the portal notification email.
"""

from collections.abc import Callable

from rapport.core.effects import enqueue_on_commit
from rapport.tickets.models import Message

Deliverer = Callable[[Message], None]
_deliverers: dict[str, Deliverer] = {}


def register_deliverer(channel: str, deliverer: Deliverer) -> None:
    _deliverers[channel] = deliverer


def deliver_reply(message: Message) -> None:
    # The message's channel, not the ticket's: a phone call logged on an email ticket
    # is not mailed to anyone.
    deliverer = _deliverers.get(message.channel)
    if deliverer is not None:
        deliverer(message)
        return
    from rapport.tickets.tasks import notify_customer_of_reply

    enqueue_on_commit(notify_customer_of_reply, message.pk)
