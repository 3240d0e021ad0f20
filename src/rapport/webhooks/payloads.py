"""The JSON a webhook carries, built when the event happens.

The ticket and the message are the REST API's own shapes (`TicketOut`, `MessageOut`),
rendered with the API's encoder, so an integration parses webhooks and API answers
with the same code. docs/webhooks.md shows an example.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import NoReverseMatch, reverse
from ninja.responses import NinjaJSONEncoder

from rapport.accounts.models import User
from rapport.api.schemas.tickets import MessageOut, TicketOut
from rapport.contacts.models import Customer
from rapport.tickets.models import Message, Ticket


class PayloadEncoder(NinjaJSONEncoder):
    """The API's encoder; a row in a change's data becomes its id, anything else text."""

    def default(self, o: Any) -> Any:
        if isinstance(o, models.Model):
            return o.pk
        if isinstance(o, set | frozenset):
            return sorted(o, key=str)
        try:
            return super().default(o)
        except TypeError:
            return str(o)


def attachment_url(public_id: str) -> str:
    try:
        path = reverse("tickets:attachment", args=[public_id])
    except NoReverseMatch:
        path = f"/tickets/attachments/{public_id}/"
    return settings.SITE_URL + path


def actor_of(actor: Any) -> dict[str, Any]:
    """Who did it: an agent, a customer, or Rapport itself (routing, automations, SLAs)."""
    if isinstance(actor, User):
        return {"type": "agent", "id": actor.pk, "name": str(actor)}
    if isinstance(actor, Customer):
        return {"type": "customer", "id": actor.pk, "name": str(actor)}
    return {"type": "system", "id": None, "name": "Rapport"}


def envelope(
    *, event_id: uuid.UUID, event: str, at: datetime, ticket: Ticket | None,
    message: Message | None = None, actor: Any = None, data: dict[str, Any] | None = None,
    causes: tuple[str, ...] = (),
) -> str:
    """The body of one event, as the exact text that is signed and sent."""
    payload = {
        "id": str(event_id),
        "event": event,
        "occurred_at": at,
        "ticket": TicketOut.of(ticket).model_dump() if ticket is not None else None,
        "message": MessageOut.of(message, attachment_url).model_dump() if message else None,
        "actor": actor_of(actor),
        "data": data or {},
        "causes": list(causes),
    }
    return json.dumps(payload, cls=PayloadEncoder)
