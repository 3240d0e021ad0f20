"""The demo automations install once and work on tickets like the demo's."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from rapport.accounts.tests.factories import TeamFactory
from rapport.automation.demo import install_demo_automation
from rapport.automation.models import Macro, TimeRule, Trigger
from rapport.automation.services import apply_macro
from rapport.automation.timerules import run_time_rules
from rapport.contacts.tests.factories import CustomerFactory
from rapport.tickets import services
from rapport.tickets.models import Priority, Status, TicketEvent
from rapport.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db


def test_installs_once(team):
    counts = install_demo_automation()
    assert counts["triggers"] == 4
    assert (counts["time_rules"], counts["macros"]) == (2, 3)
    again = install_demo_automation()
    assert (again["triggers"], again["time_rules"], again["macros"]) == (0, 0, 0)
    assert Trigger.objects.count() == 4
    assert TimeRule.objects.count() == 2
    for macro in Macro.objects.all():
        assert set(macro.reply) == {"en", "ru", "zh-hans", "sr"}


def test_the_demo_rules_at_work(run_commit_hooks, agent, mailbox):
    billing = TeamFactory(name="Billing")
    install_demo_automation()
    customer = CustomerFactory(name="Ли Вэй", email="li@example.test", language="zh-hans")
    with run_commit_hooks():
        ticket = make_ticket(requester=customer, team=billing, language="zh-hans",
                             subject="紧急：我被重复扣款，要求退款", text="请尽快处理")
    ticket.refresh_from_db()
    assert ticket.priority == Priority.HIGH
    assert set(ticket.tags.values_list("name", flat=True)) == {"urgent", "refund"}

    services.set_status(ticket, actor=agent, status=Status.PENDING)
    with run_commit_hooks():
        fired = run_time_rules(now=timezone.now() + timedelta(days=3, hours=1))
    assert sum(fired.values()) == 1
    assert mail.outbox[-1].body.startswith("Ли，您好！")

    macro = Macro.objects.get(name="Refund issued — solve")
    apply_macro(ticket, macro, agent=agent)
    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED
    assert ticket.messages.filter(author_user=agent, is_public=True).last().body_text.startswith(
        "Ли，您好！\n\n我们已为您办理退款。")
    run_time_rules(now=timezone.now() + timedelta(days=4, hours=1))
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED


def test_installing_rebuilds_backdated_clocks(agent, team):
    ticket = make_ticket(team=team)
    services.set_status(ticket, actor=agent, status=Status.PENDING)
    TicketEvent.objects.filter(ticket=ticket, kind="status").update(
        created_at=timezone.now() - timedelta(days=10))  # what the demo's backdating does
    install_demo_automation()
    assert run_time_rules()[TimeRule.objects.get(status=Status.PENDING).pk] == 1
