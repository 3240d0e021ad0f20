"""Background jobs of routing."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task


@task()
def watch_routing() -> dict[str, int]:
    """The periodic watch (rapport.core.schedule): offers, queue, offline agents, alarms."""
    from rapport.routing.watch import watch_routing as run

    return run()


@task()
def email_ownership_alarm(alarm_id: int, supervisor_id: int) -> None:
    """Tell a supervisor by email that a ticket is sitting without an owner or an answer."""
    from rapport.accounts.models import User
    from rapport.routing.models import OwnershipAlarm
    from rapport.routing.watch import alarm_text

    alarm = OwnershipAlarm.objects.select_related("ticket").filter(pk=alarm_id).first()
    supervisor = User.objects.filter(pk=supervisor_id, is_active=True).first()
    if alarm is None or supervisor is None or not supervisor.email:
        return
    minutes = int((alarm.raised_at - alarm.since).total_seconds() // 60)
    link = settings.SITE_URL + reverse(
        "tickets:detail", args=[alarm.ticket_id])
    with translation.override(supervisor.ui_language or settings.LANGUAGE_CODE):
        text = alarm_text(alarm.kind, alarm.ticket, minutes)
        subject = _("Needs attention: ticket #%(number)s") % {"number": alarm.ticket_id}
    EmailMessage(subject=subject, body=f"{text}\n\n{link}\n", to=[supervisor.email],
                 headers={"Auto-Submitted": "auto-generated"}).send()
