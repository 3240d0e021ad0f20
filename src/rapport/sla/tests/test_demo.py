"""The demo hook: calendars per team, policies, clocks for the open tickets, quietly."""

import pytest

from rapport.accounts.tests.factories import TeamFactory
from rapport.sla.demo import install_demo_sla
from rapport.sla.models import BusinessCalendar, SlaClock, SlaPolicy, TeamCalendar
from rapport.sla.watch import check_deadlines
from rapport.tickets.models import Priority, Ticket
from rapport.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db


def test_install_demo_sla_sets_up_and_catches_up_quietly(clock, customer):
    teams = [TeamFactory(name=name) for name in ("Billing", "Deliveries", "Technical support")]
    old = make_ticket(requester=customer, team=teams[0])
    urgent = make_ticket(requester=customer, team=teams[2], priority=Priority.URGENT)
    clock.advance(days=10)
    result = install_demo_sla()
    assert result == {"calendars": 3, "policies": 4, "tickets_with_sla": 2}
    assert TeamCalendar.objects.get(team=teams[1]).calendar.time_zone == "Asia/Shanghai"
    assert BusinessCalendar.objects.get(is_default=True).holiday_country == "RS"
    assert list(SlaPolicy.objects.values_list("name", flat=True)) == [
        "Urgent", "Premium customers", "High priority", "Standard"]
    assert SlaClock.objects.get(ticket=urgent, target="first_response").business is False
    # Ten days late: overdue on the badge, but the history is not announced now.
    assert Ticket.objects.get(pk=old.pk).sla_due_at < clock()
    assert check_deadlines() == []
    assert install_demo_sla() == {"calendars": 0, "policies": 0, "tickets_with_sla": 2}
