"""Background jobs of the SLA app: the periodic watch, alert emails, recomputing."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task


@task()
def check_sla_deadlines() -> dict[str, int]:
    """The periodic watch (rapport.core.schedule, every 30 s): warnings and breaches."""
    from rapport.sla.watch import check_deadlines

    reached = check_deadlines()
    return {
        "warnings": sum(1 for r in reached if r["threshold"] == "warning"),
        "breaches": sum(1 for r in reached if r["threshold"] == "breach"),
    }


@task()
def recompute_open_tickets() -> int:
    """After a policy or calendar changed: the clocks of every unsolved ticket again."""
    from rapport.sla.services import recompute_for_open_tickets

    return recompute_for_open_tickets()


@task()
def send_sla_alert(ticket_id: int, target: str, threshold: str, user_ids: list[int]) -> int:
    """Email the supervisors that a ticket is at risk of, or has, missed a target."""
    from rapport.accounts.models import User
    from rapport.sla.models import SlaClock, Target
    from rapport.tickets.models import Ticket

    ticket = Ticket.objects.filter(pk=ticket_id).first()
    if ticket is None:
        return 0
    clock = SlaClock.objects.filter(ticket_id=ticket_id, target=target).first()
    link = settings.SITE_URL + reverse("tickets:detail", args=[ticket_id])
    sent = 0
    for user in User.objects.filter(pk__in=user_ids, is_active=True).exclude(email=""):
        with translation.override(user.ui_language or settings.LANGUAGE_CODE):
            what = str(Target(target).label) if target in Target.values else target
            due = (formats.date_format(timezone.localtime(clock.due_at), "DATETIME_FORMAT")
                   if clock is not None and clock.due_at else "—")
            values = {"number": ticket.pk, "subject": ticket.subject, "target": what,
                      "due": due, "link": link}
            if threshold == "breach":
                subject = _("[#%(number)s] SLA breached: %(target)s — %(subject)s") % values
                lead = _("Ticket #%(number)s “%(subject)s” missed its target: %(target)s, "
                         "due %(due)s.") % values
            else:
                subject = _("[#%(number)s] SLA at risk: %(target)s — %(subject)s") % values
                lead = _("Ticket #%(number)s “%(subject)s” is close to its target: "
                         "%(target)s, due %(due)s.") % values
            body = lead + "\n\n" + _("Open the ticket: %(link)s") % values + "\n"
        EmailMessage(subject=subject, body=body, to=[user.email],
                     headers={"Auto-Submitted": "auto-generated"}).send()
        sent += 1
    return sent
