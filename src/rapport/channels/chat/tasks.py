"""Background jobs of the chat channel."""

from django.core.mail import EmailMessage
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task


@task()
def send_transcript(conversation_id: int, address: str) -> None:
    """Email the public messages of a chat to the address the visitor gave."""
    from rapport.channels.chat.models import ChatConversation
    from rapport.tickets.models import Direction, Message

    conversation = ChatConversation.objects.select_related("ticket", "site").get(
        pk=conversation_id
    )
    ticket = conversation.ticket
    messages = Message.objects.filter(ticket=ticket, is_public=True).select_related(
        "author_user"
    ).order_by("seq")
    with translation.override(ticket.language or conversation.site.language):
        visitor = _("You")
        lines = [
            f"[{m.created_at:%Y-%m-%d %H:%M}] "
            f"{visitor if m.direction == Direction.INBOUND else m.author_name}: {m.body_text}"
            for m in messages
        ]
        subject = _("Transcript of your chat #%(number)s") % {"number": ticket.pk}
    EmailMessage(
        subject=subject, body="\n\n".join(lines) + "\n", to=[address],
        headers={"Auto-Submitted": "auto-generated"},
    ).send()


@task()
def watch_chats() -> dict[str, list[int]]:
    """The periodic watch (rapport.core.schedule): waiting alerts, abandoned chats."""
    from rapport.channels.chat.watch import alert_waiting_chats, close_abandoned_chats

    return {"alerted": alert_waiting_chats(), "abandoned": close_abandoned_chats()}
