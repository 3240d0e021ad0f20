"""Triggers: the right events and conditions, in order, only after commit, never looping."""

import logging
from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from rapport.automation import triggers
from rapport.automation.models import PendingTriggerRun, TriggerFiring
from rapport.automation.tests.helpers import make_trigger
from rapport.channels.email.models import OutboundEmail
from rapport.contacts.tests.factories import CustomerFactory
from rapport.reports.models import ReportingEvent, ReportingEventName
from rapport.tickets import services
from rapport.tickets.models import EventKind, Priority, Status
from rapport.tickets.services import Body
from rapport.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db

URGENT = {"all": [{"field": "keywords", "op": "contains_any", "value": ["urgent", "срочно"]}]}


def tags_of(ticket):
    return set(ticket.tags.values_list("name", flat=True))


def fired_names(ticket):
    return list(TriggerFiring.objects.filter(ticket=ticket).order_by("pk")
                .values_list("trigger__name", flat=True))


def test_matching_triggers_fire_in_order_after_commit(run_commit_hooks, customer, team):
    make_trigger("notes the priority", events=["ticket.created"], position=2,
                 actions_=[{"type": "add_note", "text": "Priority now {{ticket.priority}}"}])
    make_trigger("urgent", events=["ticket.created"], position=1, conditions_=URGENT,
                 actions_=[{"type": "set_priority", "priority": "high"},
                           {"type": "add_tags", "tags": ["urgent"]}])
    make_trigger("other event", events=["message.agent"],
                 actions_=[{"type": "add_tags", "tags": ["never"]}])
    make_trigger("other channel", events=["ticket.created"],
                 conditions_={"all": [{"field": "channel", "op": "is", "value": "chat"}]},
                 actions_=[{"type": "add_tags", "tags": ["never"]}])
    with run_commit_hooks():
        ticket = make_ticket(requester=customer, team=team, subject="URGENT: parcel lost")
        ticket.refresh_from_db()
        assert (ticket.priority, tags_of(ticket)) == (Priority.NORMAL, set())  # not yet
        assert PendingTriggerRun.objects.filter(ticket=ticket).count() == 1

    ticket.refresh_from_db()
    assert ticket.priority == Priority.HIGH
    assert tags_of(ticket) == {"urgent"}
    assert fired_names(ticket) == ["urgent", "notes the priority"]
    note = ticket.messages.get(is_public=False)
    assert note.body_text == "Priority now High"  # the second trigger saw the first's change
    assert note.author_user is None
    priority_event = ticket.events.get(kind=EventKind.PRIORITY)
    assert priority_event.actor_user is None  # SYSTEM, through the verb
    assert ReportingEvent.objects.filter(
        name=ReportingEventName.TRIGGER_FIRED, ticket_id=ticket.pk).count() == 2
    assert not PendingTriggerRun.objects.exists()


def test_a_rolled_back_change_runs_no_trigger(django_capture_on_commit_callbacks, customer):
    make_trigger("urgent", events=["ticket.created"],
                 actions_=[{"type": "add_tags", "tags": ["urgent"]}])
    def fail_after_the_change():
        with transaction.atomic():
            make_ticket(requester=customer, subject="urgent")
            assert PendingTriggerRun.objects.count() == 1
            raise RuntimeError("the caller's transaction fails")

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            fail_after_the_change()
    assert callbacks == []
    assert not PendingTriggerRun.objects.exists()
    assert not TriggerFiring.objects.exists()


def test_customer_reply_to_pending_ticket(run_commit_hooks, customer, agent, team):
    make_trigger("answered while waiting", events=["ticket.status"],
                 conditions_={"all": [
                     {"field": "previous_status", "op": "is", "value": "pending"},
                     {"field": "actor", "op": "is", "value": "customer"}]},
                 actions_=[{"type": "add_note", "text": "{{customer.name}} answered"},
                           {"type": "assign", "agent": agent.pk}])
    ticket = make_ticket(requester=customer, team=team)
    services.set_status(ticket, actor=agent, status=Status.PENDING)
    with run_commit_hooks():
        services.set_status(ticket, actor=agent, status=Status.OPEN)  # an agent: no note
    assert fired_names(ticket) == []
    services.set_status(ticket, actor=agent, status=Status.PENDING)
    with run_commit_hooks():
        services.post_reply(ticket, actor=customer, body=Body(text="Here is the photo."))
    ticket.refresh_from_db()
    assert fired_names(ticket) == ["answered while waiting"]
    assert ticket.messages.get(is_public=False).body_text == "Ivan Petrov answered"
    assert ticket.assignee == agent


def test_every_action_changes_the_ticket_through_the_verbs(
    run_commit_hooks, customer, agent, team, other_team
):
    make_trigger("all of it", events=["ticket.created"], actions_=[
        {"type": "add_tags", "tags": ["a", "b"]},
        {"type": "remove_tags", "tags": ["b"]},
        {"type": "set_team", "team": other_team.pk},
        {"type": "assign", "agent": agent.pk},
        {"type": "set_priority", "priority": "urgent"},
        {"type": "set_status", "status": "pending"},
    ])
    with run_commit_hooks():
        ticket = make_ticket(requester=customer, team=team)
    ticket.refresh_from_db()
    assert tags_of(ticket) == {"a"}
    assert (ticket.team, ticket.assignee, ticket.priority, ticket.status) == (
        other_team, agent, Priority.URGENT, Status.PENDING)
    kinds = list(ticket.events.filter(actor_user__isnull=True)
                 .exclude(kind=EventKind.CREATED).values_list("kind", flat=True))
    assert kinds == ["tags", "tags", "team", "assigned", "priority", "status"]


def test_assign_to_a_team_puts_the_ticket_in_its_queue(run_commit_hooks, customer, agent,
                                                       team, other_team):
    make_trigger("to tech", events=["ticket.created"],
                 actions_=[{"type": "assign", "team": other_team.pk}])
    with run_commit_hooks():
        ticket = make_ticket(requester=customer, team=team, assignee=agent)
    ticket.refresh_from_db()
    assert (ticket.team, ticket.assignee) == (other_team, None)


@pytest.mark.parametrize(("ticket_language", "customer_language", "expected"), [
    ("zh-hans", "ru", "您好 Ivan"),
    ("", "ru", "Здравствуйте, Ivan"),
    ("sr", "ru", "Поштовани Ivan"),
    ("de", "de", "Hello Ivan"),  # no German text: the default language
])
def test_localised_email_goes_out_in_the_ticket_language(
    run_commit_hooks, mailbox, team, ticket_language, customer_language, expected
):
    customer = CustomerFactory(name="Ivan Petrov", email="ivan@example.test",
                               language=customer_language)
    make_trigger("acknowledge", events=["ticket.created"], actions_=[{
        "type": "email_requester", "templates": {
            "en": {"subject": "We got #{{ticket.number}}", "body": "Hello {{customer.first_name}}"},
            "ru": {"subject": "Получили", "body": "Здравствуйте, {{customer.first_name}}"},
            "zh-hans": {"subject": "收到", "body": "您好 {{customer.first_name}}"},
            "sr": {"subject": "Примили смо", "body": "Поштовани {{customer.first_name}}"},
        }}])
    with run_commit_hooks():
        ticket = make_ticket(requester=customer, team=team, language=ticket_language,
                             text="x")
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["ivan@example.test"]
    assert sent.from_email == "Northwind Support <support@northwind.test>"
    assert sent.body.startswith(expected)
    assert f"[#{ticket.pk}]" in sent.subject  # the email keeps the conversation's thread
    reply = ticket.messages.get(is_public=True, direction="outbound")
    assert reply.author_user is None
    assert reply.body_text == expected
    assert reply.channel_metadata["automation"]["source"].startswith("trigger:")
    assert OutboundEmail.objects.get(ticket=ticket).created_by is None


def test_placeholders_are_substituted_not_executed(run_commit_hooks, team):
    customer = CustomerFactory(name="{{ticket.subject}} <b>{% debug %}",
                               email="odd@example.test")
    make_trigger("note", events=["ticket.created"],
                 actions_=[{"type": "add_note",
                             "text": "From {{customer.name}}: {{ticket.subject}}"}])
    with run_commit_hooks():
        ticket = make_ticket(requester=customer, team=team, subject="Parcel")
    note = ticket.messages.get(is_public=False)
    assert note.body_text == "From {{ticket.subject}} <b>{% debug %}: Parcel"
    assert "<b>" not in note.body_html


def test_a_refused_action_does_not_stop_the_others(run_commit_hooks, team, mailbox):
    customer = CustomerFactory(name="No Mail", email="")
    make_trigger("mail then tag", events=["ticket.created"], actions_=[
        {"type": "email_requester", "templates": {"en": {"subject": "Hi", "body": "Hello"}}},
        {"type": "add_tags", "tags": ["tagged"]},
    ])
    with run_commit_hooks():
        ticket = make_ticket(requester=customer, team=team)
    assert tags_of(ticket) == {"tagged"}
    assert not ticket.messages.filter(direction="outbound").exists()
    firing = TriggerFiring.objects.get(ticket=ticket)
    assert len(firing.errors) == 1
    assert firing.errors[0].startswith("email_requester:")


# --- Loop protection --------------------------------------------------------------------

def test_two_triggers_undoing_each_other_stop(run_commit_hooks, ticket, agent):
    make_trigger("ping→pong", events=["ticket.tags"],
                 conditions_={"all": [{"field": "tags", "op": "includes", "value": "ping"}]},
                 actions_=[{"type": "remove_tags", "tags": ["ping"]},
                           {"type": "add_tags", "tags": ["pong"]}])
    make_trigger("pong→ping", events=["ticket.tags"],
                 conditions_={"all": [{"field": "tags", "op": "includes", "value": "pong"}]},
                 actions_=[{"type": "remove_tags", "tags": ["pong"]},
                           {"type": "add_tags", "tags": ["ping"]}])
    with run_commit_hooks():
        services.change_tags(ticket, actor=agent, add=["ping"])
    assert fired_names(ticket) == ["ping→pong", "pong→ping"]
    assert tags_of(ticket) == {"ping"}
    assert not PendingTriggerRun.objects.exists()


def test_a_trigger_that_retriggers_itself_fires_once(run_commit_hooks, ticket, agent):
    make_trigger("note on note", events=["message.note"],
                 actions_=[{"type": "add_note", "text": "Seen"}])
    with run_commit_hooks():
        services.add_note(ticket, actor=agent, body=Body(text="Look"))
    assert fired_names(ticket) == ["note on note"]
    assert ticket.messages.filter(is_public=False).count() == 2


def test_a_chain_deeper_than_the_limit_stops_and_is_logged(run_commit_hooks, ticket, agent,
                                                           caplog):
    # step i → step i+1, each trigger placed before the one it feeds, so every step is
    # a new change one cause deeper (a single pass would otherwise catch them all).
    for step in range(1, 8):
        make_trigger(f"step{step}", events=["ticket.tags"], position=100 - step,
                     conditions_={"all": [{"field": "tags", "op": "includes",
                                           "value": f"step{step}"}]},
                     actions_=[{"type": "add_tags", "tags": [f"step{step + 1}"]}])
    with caplog.at_level(logging.WARNING), run_commit_hooks():
        services.change_tags(ticket, actor=agent, add=["step1"])
    assert fired_names(ticket) == [f"step{n}" for n in range(1, triggers.MAX_CHAIN_DEPTH + 1)]
    assert tags_of(ticket) == {f"step{n}" for n in range(1, triggers.MAX_CHAIN_DEPTH + 2)}
    assert "automation chain too deep" in caplog.text


def test_a_trigger_fires_at_most_n_times_per_ticket_per_hour(
    run_commit_hooks, ticket, customer, monkeypatch, caplog
):
    monkeypatch.setattr(triggers, "MAX_FIRES_PER_HOUR", 3)
    make_trigger("each reply", events=["message.customer"],
                 actions_=[{"type": "add_note", "text": "Customer wrote"}])
    with caplog.at_level(logging.WARNING):
        for n in range(5):
            with run_commit_hooks():
                services.post_reply(ticket, actor=customer, body=Body(text=f"Again {n}"))
    assert len(fired_names(ticket)) == 3
    assert "suppressed" in caplog.text
    TriggerFiring.objects.update(fired_at=timezone.now() - timedelta(hours=2))
    with run_commit_hooks():
        services.post_reply(ticket, actor=customer, body=Body(text="An hour later"))
    assert len(fired_names(ticket)) == 4


def test_changes_made_by_a_macro_or_rule_keep_their_chain(run_commit_hooks, ticket, agent):
    from rapport.tickets.hooks import caused_by

    trigger = make_trigger("tagger", events=["ticket.tags"],
                           actions_=[{"type": "set_priority", "priority": "low"}])
    with run_commit_hooks(), caused_by(trigger.label):
        services.change_tags(ticket, actor=agent, add=["x"])  # made by the trigger itself
    assert fired_names(ticket) == []


# --- Durability -------------------------------------------------------------------------

def test_a_lost_job_is_recovered_by_the_periodic_sweep(django_capture_on_commit_callbacks,
                                                       customer, team):
    make_trigger("tag", events=["ticket.created"], actions_=[{"type": "add_tags", "tags": ["t"]}])
    with django_capture_on_commit_callbacks(execute=False):  # the job never runs
        ticket = make_ticket(requester=customer, team=team)
    assert triggers.recover_pending_runs() == 0  # too young: its job may still come
    later = timezone.now() + triggers.RECOVER_AFTER + timedelta(seconds=1)
    assert triggers.recover_pending_runs(now=later) == 1
    assert tags_of(ticket) == {"t"}
    assert not PendingTriggerRun.objects.exists()
    assert triggers.recover_pending_runs(now=later) == 0


def test_a_run_is_evaluated_once_even_if_its_job_comes_twice(django_capture_on_commit_callbacks,
                                                               customer, team):
    make_trigger("note", events=["ticket.created"], actions_=[{"type": "add_note", "text": "n"}])
    with django_capture_on_commit_callbacks(execute=False):
        ticket = make_ticket(requester=customer, team=team)
    run = PendingTriggerRun.objects.get()
    assert triggers.evaluate_run(run.pk) != []
    assert triggers.evaluate_run(run.pk) == []
    assert ticket.messages.filter(is_public=False).count() == 1


def test_a_run_that_keeps_failing_is_given_up(django_capture_on_commit_callbacks, customer,
                                              monkeypatch, caplog):
    make_trigger("note", events=["ticket.created"], actions_=[{"type": "add_note", "text": "n"}])
    with django_capture_on_commit_callbacks(execute=False):
        make_ticket(requester=customer)
    run = PendingTriggerRun.objects.get()

    def broken(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(triggers, "_run_cycle", broken)
    for _attempt in range(triggers.MAX_ATTEMPTS):
        PendingTriggerRun.objects.filter(pk=run.pk).update(claimed_until=None)
        with pytest.raises(RuntimeError):
            triggers.evaluate_run(run.pk)
    PendingTriggerRun.objects.filter(pk=run.pk).update(claimed_until=None)
    assert triggers.evaluate_run(run.pk) == []
    assert not PendingTriggerRun.objects.exists()
    assert "giving up" in caplog.text


def test_history_replayed_with_effects_suppressed_runs_no_trigger(customer):
    from rapport.core.effects import effects_suppressed

    make_trigger("tag", events=["ticket.created"], actions_=[{"type": "add_tags", "tags": ["t"]}])
    with effects_suppressed():
        make_ticket(requester=customer)
    assert not PendingTriggerRun.objects.exists()


def test_no_listening_trigger_no_bookkeeping(customer):
    make_trigger("inactive", events=["ticket.created"],
                 actions_=[{"type": "add_tags", "tags": ["t"]}]).__class__.objects.update(
        active=False)
    make_ticket(requester=customer)
    assert not PendingTriggerRun.objects.exists()
