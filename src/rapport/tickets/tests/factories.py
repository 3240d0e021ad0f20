"""Tickets are made through the service verb, so every test ticket has a real timeline."""

from typing import Any

from rapport.contacts.tests.factories import CustomerFactory
from rapport.tickets.models import Channel, Ticket
from rapport.tickets.services import Body, create_ticket


def make_ticket(
    *, requester: Any = None, subject: str = "Where is my order?", text: str = "Hello, it is late.",
    channel: str = Channel.EMAIL, actor: Any = None, **kwargs: Any
) -> Ticket:
    requester = requester or CustomerFactory()
    return create_ticket(
        actor=actor if actor is not None else requester,
        requester=requester,
        subject=subject,
        body=Body(text=text),
        channel=channel,
        **kwargs,
    )
