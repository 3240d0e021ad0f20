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
def email_ownership_alarms(alarm_ids: list[int], supervisor_id: int) -> None:
    """Tell a supervisor by email which tickets sit without an owner or an answer."""
    from rapport.accounts.models import User
    from rapport.routing.models import OwnershipAlarm
    from rapport.routing.watch import alarm_text

    alarms = list(OwnershipAlarm.objects.select_related("ticket").filter(pk__in=alarm_ids)
                  .order_by("raised_at", "pk"))
    supervisor = User.objects.filter(pk=supervisor_id, is_active=True).first()
    if not alarms or supervisor is None or not supervisor.email:
        return
    base = settings.SITE_URL
    with translation.override(supervisor.ui_language or settings.LANGUAGE_CODE):
        lines = [f"{alarm_text(a)}\n{base}{reverse('tickets:detail', args=[a.ticket_id])}"
                 for a in alarms]
        if len(alarms) == 1:
            subject = _("Needs attention: ticket #%(number)s") % {"number": alarms[0].ticket_id}
        else:
            subject = _("Needs attention: %(count)s tickets") % {"count": len(alarms)}
        footer = _("Everything that needs attention: %(link)s") % {
            "link": base + reverse("routing:attention")}
    EmailMessage(subject=subject, body="\n\n".join(lines) + f"\n\n{footer}\n",
                 to=[supervisor.email], headers={"Auto-Submitted": "auto-generated"}).send()
