"""The admin refuses what automation could not run, and says which action and why."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from rapport.automation import actions
from rapport.automation.forms import MacroForm, TimeRuleForm, TriggerForm
from rapport.automation.models import Macro, TimeRule, Trigger

pytestmark = pytest.mark.django_db


def problem(value, **kwargs):
    with pytest.raises(ValidationError) as caught:
        actions.validate(value, **kwargs)
    return " ".join(caught.value.messages)


def test_actions_are_normalised(agent, team):
    assert actions.validate([
        {"type": "set_priority", "priority": 3},
        {"type": "add_tags", "tags": [" Urgent ", "urgent", "vip"]},
        {"type": "assign", "agent": agent.pk, "team": team.pk},
        {"type": "assign", "agent": None},
        {"type": "set_team", "team": None},
        {"type": "email_requester", "templates": {"RU": {"body": "Привет"}}},
    ]) == [
        {"type": "set_priority", "priority": "high"},
        {"type": "add_tags", "tags": ["urgent", "vip"]},
        {"type": "assign", "agent": agent.pk, "team": team.pk},
        {"type": "assign", "agent": None},
        {"type": "set_team", "team": None},
        {"type": "email_requester", "templates": {"ru": {"subject": "", "body": "Привет"}}},
    ]


@pytest.mark.parametrize(("value", "says"), [
    ({"type": "add_tags"}, "JSON list"),
    ([{"type": "explode"}], 'Action 1 needs a "type"'),
    ([{"type": "add_tags", "tags": ["a"]}, {"type": "set_status", "status": "done"}],
     "Action 2 (set_status): status must be one of new, open"),
    ([{"type": "set_priority", "priority": "very"}], "priority must be one of low, normal"),
    ([{"type": "add_tags", "tags": "urgent"}], "must be a list of tag names"),
    ([{"type": "assign"}], 'give "agent"'),
    ([{"type": "assign", "agent": 999999}], "no active agent with id 999999"),
    ([{"type": "assign", "team": 999999}], "no team with id 999999"),
    ([{"type": "assign", "team": "Billing"}], "team must be the id"),
    ([{"type": "add_note", "text": "Hi {{ticket.colour}}"}], "unknown placeholder"),
    ([{"type": "add_note", "text": "x", "colour": 1}], "unknown key colour"),
    ([{"type": "email_requester", "templates": {}}], "one text per language"),
    ([{"type": "email_requester", "templates": {"english": {"body": "x"}}}],
     "not a language code"),
    ([{"type": "email_requester", "templates": {"en": {"subject": "x"}}}],
     "en body must be a non-empty text"),
    ([{"type": "webhook", "endpoint": "x"}], "endpoint must be the id"),
])
def test_bad_actions_are_refused_with_a_reason(value, says):
    assert says in problem(value)


def test_empty_actions(agent):
    assert "at least one action" in problem([])
    assert actions.validate([], allow_empty=True) == []


def test_trigger_form_checks_conditions_and_actions():
    form = TriggerForm(data={
        "name": "x", "position": 0, "active": "on", "events": ["ticket.created"],
        "conditions": json.dumps({"all": [{"field": "colour", "op": "is", "value": "red"}]}),
        "actions": json.dumps([{"type": "add_tags", "tags": ["a"]}]),
    })
    assert not form.is_valid()
    assert "unknown field colour" in str(form.errors["conditions"])
    form = TriggerForm(data={"name": "x", "position": 0, "events": ["nope"],
                             "conditions": "", "actions": "[]"})
    assert not form.is_valid()
    assert set(form.errors) == {"events", "actions"}


def test_time_rule_and_macro_forms(team):
    form = TimeRuleForm(data={"name": "x", "position": 0, "status": "pending",
                              "clock": "status_changed", "hours": 0, "conditions": "",
                              "actions": json.dumps([{"type": "set_status", "status": "x"}])})
    assert not form.is_valid()
    assert set(form.errors) == {"hours", "actions"}
    form = MacroForm(data={"name": "x", "position": 0, "reply": "", "note": "",
                           "actions": "[]"})
    assert not form.is_valid()
    assert "needs a reply, a note or at least one action" in str(form.errors)
    form = MacroForm(data={"name": "x", "position": 0, "reply": json.dumps({"xx-yy-zz!": "a"}),
                           "note": "{{agent.colour}}", "actions": ""})
    assert not form.is_valid()
    assert set(form.errors) == {"reply", "note"}


def test_admin_creates_a_trigger(client, admin_user):
    client.force_login(admin_user)
    url = reverse("admin:automation_trigger_add")
    page = client.get(url)
    assert page.status_code == 200
    assert "{{ticket.number}}" in page.content.decode()  # the help text's example
    response = client.post(url, {
        "name": "Urgent", "description": "", "position": 1, "active": "on",
        "events": ["ticket.created", "message.customer"],
        "conditions": json.dumps({"all": [{"field": "keywords", "op": "contains_any",
                                           "value": ["urgent"]}]}),
        "actions": json.dumps([{"type": "set_priority", "priority": 3}]),
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    trigger = Trigger.objects.get()
    assert trigger.events == ["ticket.created", "message.customer"]
    assert trigger.actions == [{"type": "set_priority", "priority": "high"}]
    assert client.get(reverse("admin:automation_trigger_change", args=[trigger.pk])
                      ).status_code == 200


def test_admin_refuses_a_bad_time_rule_and_saves_a_good_one(client, admin_user):
    client.force_login(admin_user)
    url = reverse("admin:automation_timerule_add")
    data = {"name": "Close", "position": 1, "active": "on", "status": "solved",
            "clock": "status_changed", "hours": 96, "conditions": "",
            "actions": json.dumps([{"type": "set_status", "status": "shut"}])}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Action 1 (set_status)" in response.content.decode()
    data["actions"] = json.dumps([{"type": "set_status", "status": "closed"}])
    assert client.post(url, data).status_code == 302
    assert TimeRule.objects.get().conditions == {}


def test_admin_creates_a_macro(client, admin_user, team):
    client.force_login(admin_user)
    response = client.post(reverse("admin:automation_macro_add"), {
        "name": "Ask", "position": 1, "active": "on", "team": team.pk,
        "reply": json.dumps({"en": "Order number, {{customer.first_name}}?"}),
        "note": "", "actions": "",
    })
    assert response.status_code == 302
    macro = Macro.objects.get()
    assert (macro.team, macro.actions) == (team, [])
    for name in ("triggerfiring", "timerulerun"):
        assert client.get(reverse(f"admin:automation_{name}_changelist")).status_code == 200
