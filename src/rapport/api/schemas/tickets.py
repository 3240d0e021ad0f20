"""Ticket, timeline and tag shapes."""

import base64
import binascii
from datetime import datetime
from typing import Annotated, Any, Literal

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import BeforeValidator, Field, WithJsonSchema, field_validator, model_validator

from rapport.accounts.models import User
from rapport.api.schemas.common import CustomerRef, TeamRef, UserRef
from rapport.contacts.models import Customer
from rapport.tickets.attachments import IncomingFile
from rapport.tickets.inbox import MAX_LIMIT, InboxQuery
from rapport.tickets.models import Channel, Message, Priority, Status, Tag, Ticket, TicketEvent

PriorityName = Literal["low", "normal", "high", "urgent"]
ViewName = Literal["my_open", "unassigned", "my_teams", "all", "pending", "solved"]


def _split_commas(value: Any) -> Any:
    """Accept ?status=new&status=open and ?status=new,open alike."""
    items = value if isinstance(value, list) else [value]
    return [p.strip() for item in items for p in str(item).split(",") if p.strip()]


class TicketFilters(Schema):
    """The inbox's filters, so the API lists exactly what the agent UI lists."""

    view: ViewName = "all"
    status: list[Status] = Field(default_factory=list)
    priority: list[PriorityName] = Field(default_factory=list)
    team: int | None = None
    assignee: str = Field("", pattern=r"^(me|none|\d+)?$", description="me, none or an agent id")
    tag: str = ""
    channel: Channel | None = None
    language: str = ""
    requester: int | None = None
    q: str = Field("", max_length=200, description="Subject words or a ticket number")
    sort: Literal["updated", "created", "priority"] = "updated"
    cursor: str | None = Field(None, max_length=500)
    limit: int = Field(25, ge=1, le=MAX_LIMIT)

    @field_validator("status", "priority", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        return _split_commas(value)

    def inbox_query(self) -> InboxQuery:
        return InboxQuery(
            view=self.view, status=[str(s) for s in self.status],
            priority=[Priority.from_name(p).value for p in self.priority],
            team=self.team, assignee=self.assignee, tag=self.tag,
            channel=str(self.channel) if self.channel else "", language=self.language,
            requester=self.requester, search=self.q, sort=self.sort,
        )


def _decode_base64(value: Any) -> bytes:
    if not isinstance(value, str):
        raise ValueError(_("must be a base64 string"))
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise ValueError(_("is not valid base64")) from None


Base64Content = Annotated[
    bytes, BeforeValidator(_decode_base64), WithJsonSchema({"type": "string", "format": "base64"})
]


class AttachmentIn(Schema):
    filename: str = Field(min_length=1, max_length=255)
    content_type: str = Field("application/octet-stream", max_length=120)
    content_base64: Base64Content

    def incoming(self) -> IncomingFile:
        return IncomingFile(self.filename, self.content_base64, self.content_type)


class BodyIn(Schema):
    body_text: str = ""
    body_html: str = ""
    attachments: list[AttachmentIn] = Field(default_factory=list)


class TicketCreateIn(BodyIn):
    subject: str = Field(min_length=1, max_length=250)
    requester_email: str | None = Field(None, max_length=254)
    requester_name: str = Field("", max_length=200)
    requester_id: int | None = None
    from_agent: bool = Field(
        False,
        description="True: the first message is an outbound message from the token's agent "
        "(status open). False: it is the requester's inbound message (status new).",
    )
    channel: Channel = Channel.API
    priority: PriorityName = "normal"
    team_id: int | None = None
    assignee_id: int | None = None
    tags: list[str] = Field(default_factory=list)
    language: str = Field("", max_length=10)
    custom_fields: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_requester(self) -> "TicketCreateIn":
        if (self.requester_email is None) == (self.requester_id is None):
            raise ValueError(_("give exactly one of requester_email and requester_id"))
        return self


class ReplyIn(BodyIn):
    status: Status | None = Field(None, description="Also change the status, e.g. pending")


class TagsPatchIn(Schema):
    add: list[str] = Field(default_factory=list)
    remove: list[str] = Field(default_factory=list)
    set: list[str] | None = Field(None, description="Replace all tags (not with add/remove)")

    @model_validator(mode="after")
    def _set_alone(self) -> "TagsPatchIn":
        if self.set is not None and (self.add or self.remove):
            raise ValueError(_("use either set, or add and remove"))
        return self


class TicketPatchIn(Schema):
    """Only the fields present are changed; null clears team_id or assignee_id."""

    subject: str | None = Field(None, min_length=1, max_length=250)
    status: Status | None = None
    priority: PriorityName | None = None
    team_id: int | None = None
    assignee_id: int | None = None
    tags: TagsPatchIn | None = None
    custom_fields: dict[str, Any] | None = None

    @field_validator("subject", "status", "priority")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        if value is None:
            raise ValueError(_("may not be null"))
        return value


class TicketSummaryOut(Schema):
    id: int
    subject: str
    status: str
    priority: PriorityName
    channel: str
    language: str
    requester: CustomerRef
    assignee: UserRef | None
    team: TeamRef | None
    tags: list[str]
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def fields_of(ticket: Ticket, tags: list[str] | None = None) -> dict[str, Any]:
        return {
            "id": ticket.pk, "subject": ticket.subject, "status": ticket.status,
            "priority": Priority(ticket.priority).key, "channel": ticket.channel,
            "language": ticket.language, "requester": CustomerRef.of(ticket.requester),
            "assignee": UserRef.of(ticket.assignee), "team": TeamRef.of(ticket.team),
            "tags": sorted(t.name for t in ticket.tags.all()) if tags is None else tags,
            "created_at": ticket.created_at, "updated_at": ticket.updated_at,
        }

    @classmethod
    def of(cls, ticket: Ticket) -> "TicketSummaryOut":
        return cls(**cls.fields_of(ticket))


class TicketOut(TicketSummaryOut):
    custom_fields: dict[str, Any]
    merged_into_id: int | None
    first_response_at: datetime | None
    solved_at: datetime | None
    closed_at: datetime | None
    last_customer_message_at: datetime | None
    last_agent_message_at: datetime | None

    @classmethod
    def of(cls, ticket: Ticket, tags: list[str] | None = None) -> "TicketOut":
        """``tags`` when the caller already knows them (saves a query)."""
        return cls(
            **cls.fields_of(ticket, tags), custom_fields=ticket.custom_fields,
            merged_into_id=ticket.merged_into_id, first_response_at=ticket.first_response_at,
            solved_at=ticket.solved_at, closed_at=ticket.closed_at,
            last_customer_message_at=ticket.last_customer_message_at,
            last_agent_message_at=ticket.last_agent_message_at,
        )


class TicketPageOut(Schema):
    items: list[TicketSummaryOut]
    next_cursor: str | None


class PersonOut(Schema):
    type: Literal["agent", "customer"]
    id: int
    name: str

    @classmethod
    def of(cls, user: User | None, customer: Customer | None) -> "PersonOut | None":
        if user is not None:
            return cls(type="agent", id=user.pk, name=str(user))
        if customer is not None:
            return cls(type="customer", id=customer.pk, name=str(customer))
        return None


class AttachmentOut(Schema):
    id: str
    filename: str
    content_type: str
    size: int
    url: str


class MessageOut(Schema):
    type: Literal["message"] = "message"
    id: int
    seq: int
    direction: str
    is_public: bool
    channel: str
    author: PersonOut | None
    body_text: str
    body_html: str
    created_at: datetime
    attachments: list[AttachmentOut]

    @classmethod
    def of(cls, message: Message, attachment_url: Any) -> "MessageOut":
        return cls(
            id=message.pk, seq=message.seq, direction=message.direction,
            is_public=message.is_public, channel=message.channel,
            author=PersonOut.of(message.author_user, message.author_customer),
            body_text=message.body_text, body_html=message.body_html,
            created_at=message.created_at,
            attachments=[
                AttachmentOut(id=a.public_id, filename=a.filename, content_type=a.content_type,
                              size=a.size, url=attachment_url(a.public_id))
                for a in message.attachments.all()
            ],
        )


class EventOut(Schema):
    type: Literal["event"] = "event"
    id: int
    seq: int
    kind: str
    actor: PersonOut | None
    data: dict[str, Any]
    created_at: datetime

    @classmethod
    def of(cls, event: TicketEvent) -> "EventOut":
        return cls(
            id=event.pk, seq=event.seq, kind=event.kind,
            actor=PersonOut.of(event.actor_user, event.actor_customer),
            data=event.data, created_at=event.created_at,
        )


TimelineItem = Annotated[MessageOut | EventOut, Field(discriminator="type")]


class TimelineOut(Schema):
    items: list[TimelineItem]


class TagIn(Schema):
    name: str = Field(min_length=1, max_length=64)
    description: str = Field("", max_length=200)


class TagOut(Schema):
    id: int
    name: str
    description: str

    @classmethod
    def of(cls, tag: Tag) -> "TagOut":
        return cls(id=tag.pk, name=tag.name, description=tag.description)


class TagListOut(Schema):
    items: list[TagOut]
