"""Recent website chats for the demo: answered ones (so the widget's expected wait is a
measured number from the start) and two visitors still waiting in the Deliveries queue.

They are played through the real chat verbs, then moved back in time: the chat times,
the ticket's and messages' times and the reporting events (first-reply waits, CSAT).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from rapport.accounts.models import User
from rapport.channels.chat import services as chat
from rapport.channels.chat.models import ChatConversation, ChatSite, ChatVisitor
from rapport.contacts.models import Customer
from rapport.reports.models import ReportingEvent
from rapport.reports.models import ReportingEventName as RE
from rapport.tickets import services as tickets
from rapport.tickets.models import Message, Ticket, TicketEvent

# (customer's opening line, agent's answer): answered and rated chats.
ANSWERED = [
    ("Hi, my parcel NW 5512 0931 44 says 'held at depot'. What does that mean?",
     "Hello! It means the courier could not deliver yesterday; it goes out again today "
     "before 18:00. I have added a note to ring twice."),
    ("Здравствуйте! Можно изменить адрес доставки для заказа 88213?",
     "Здравствуйте! Да, адрес изменён на Лесную, 14. Посылка приедет завтра."),
    ("你好，我的包裹显示已签收，但我没有收到。",
     "您好！我已联系快递员核实签收照片，半小时内回复您。"),
    ("Здраво, када стиже мој пакет NW 7720 1184 02?",
     "Здраво! Пакет стиже сутра између 9 и 13 часова."),
    ("Can I pick up my parcel at the depot instead?",
     "Yes — it is ready at the Riverside depot from 14:00 today; bring your ID."),
    ("Посылка пришла повреждённой, что делать?",
     "Очень жаль! Пришлите, пожалуйста, фото коробки — оформим замену сегодня же."),
]
WAITING = [
    "Hello, is anyone there? My delivery window was 10-12 and nobody came.",
    "Добрый день! Курьер не может найти подъезд, как с ним связаться?",
]


def seed_live_chats(site: ChatSite, agents: list[User], customers: list[Customer],
                    *, now: datetime, rng: random.Random) -> int:
    """Create the demo's recent chats; returns how many."""
    count = 0
    for index, (question, answer) in enumerate(ANSWERED):
        started = now - timedelta(minutes=20 + 25 * index)
        wait = timedelta(seconds=rng.randint(40, 150))
        conversation = _open(site, customers[index % len(customers)], question)
        reply = tickets.post_reply(conversation.ticket, actor=agents[index % len(agents)],
                                   body=tickets.Body(text=answer))
        chat.end_conversation(conversation)
        chat.rate_conversation(conversation, score=rng.choice([4, 5, 5]), comment="")
        _move(conversation, started=started, replied=started + wait, reply=reply)
        count += 1
    for index, question in enumerate(WAITING):
        conversation = _open(site, customers[-1 - index], question)
        _move(conversation, started=now - timedelta(minutes=1 + 2 * index))
        count += 1
    return count


def _open(site: ChatSite, customer: Customer, question: str) -> ChatConversation:
    visitor = ChatVisitor.objects.create(site=site, customer=customer)
    conversation, _ = chat.open_conversation(site, visitor, text=question, client_id="demo-1")
    return conversation


def _move(conversation: ChatConversation, *, started: datetime, replied: datetime | None = None,
          reply: Message | None = None) -> None:
    """Put the chat back in time; its events keep their real durations."""
    ticket_id = conversation.ticket_id
    last = replied or started
    boundary = reply.seq if reply is not None else None  # before it: the visitor's opening
    for model in (Message, TicketEvent):
        rows = model.objects.filter(ticket_id=ticket_id)
        if boundary is None:
            rows.update(created_at=started)
        else:
            rows.filter(seq__lt=boundary).update(created_at=started)
            rows.filter(seq__gte=boundary).update(created_at=last)
    Ticket.objects.filter(pk=ticket_id).update(
        created_at=started, updated_at=last, last_customer_message_at=started,
        **({"first_response_at": replied, "last_agent_message_at": replied} if replied else {}),
    )
    ChatConversation.objects.filter(pk=conversation.pk).update(
        started_at=started, first_agent_reply_at=replied,
        ended_at=(replied + timedelta(minutes=3)) if replied else None,
    )
    ChatVisitor.objects.filter(pk=conversation.visitor_id).update(last_seen_at=last)
    events = ReportingEvent.objects.filter(ticket_id=ticket_id)
    events.filter(name__in=[RE.TICKET_CREATED, RE.CUSTOMER_REPLY]).update(occurred_at=started)
    if replied is not None:
        wait = (replied - started).total_seconds()
        events.filter(name__in=[RE.FIRST_REPLY, RE.AGENT_REPLY, RE.CHAT_FIRST_REPLY]).update(
            occurred_at=replied, duration_seconds=wait, business_duration_seconds=wait)
        events.filter(name=RE.CSAT_ANSWERED).update(occurred_at=replied + timedelta(minutes=3))
