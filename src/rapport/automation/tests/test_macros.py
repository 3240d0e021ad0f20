"""Macros: one click on the ticket page, as the agent, all or nothing."""

import pytest
from django.urls import reverse

from rapport.accounts.models import Role
from rapport.accounts.tests.factories import UserFactory
from rapport.automation.models import Macro
from rapport.automation.services import apply_macro
from rapport.automation.tests.helpers import make_macro, make_trigger
from rapport.core.errors import InvalidInput, NotFound
from rapport.reports.models import ReportingEvent, ReportingEventName
from rapport.tickets.models import Status
from rapport.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db

REFUND = {"en": "Hello {{customer.first_name}}, your refund is on its way. {{agent.first_name}}",
          "ru": "Здравствуйте, {{customer.first_name}}! Деньги вернули. {{agent.first_name}}"}


@pytest.fixture
def refund_macro():
    return make_macro("Refund issued", reply=REFUND, note="Refund by {{agent.name}}",
                      actions=[{"type": "add_tags", "tags": ["refunded"]},
                               {"type": "set_status", "status": "solved"}])


def apply_url(ticket):
    return reverse("automation:apply_macro", args=[ticket.pk])


def test_the_panel_lists_the_macros_the_agent_may_use(client, agent, ticket, refund_macro,
                                                      team, other_team):
    make_macro("Billing only", team=team, note="n")
    make_macro("Tech only", team=other_team, note="n")
    make_macro("Retired", active=False, note="n")
    client.force_login(agent)
    html = client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert 'id="macro-panel"' in html
    assert "Refund issued" in html
    assert "Billing only" in html
    assert "Tech only" not in html
    assert "Retired" not in html
    assert f'action="{apply_url(ticket)}"' in html
    assert "csrfmiddlewaretoken" in html


def test_an_agent_applies_a_macro_from_the_ticket_page(client, agent, customer, team,
                                                       refund_macro, mailbox):
    ticket = make_ticket(requester=customer, team=team, language="ru")
    client.force_login(agent)
    response = client.post(apply_url(ticket), {"macro": refund_macro.pk},
                           headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("tickets:detail", args=[ticket.pk])
    ticket.refresh_from_db()
    assert ticket.status == Status.SOLVED
    assert list(ticket.tags.values_list("name", flat=True)) == ["refunded"]
    reply = ticket.messages.get(is_public=True, direction="outbound")
    assert reply.author_user == agent  # as the agent, not the system
    assert reply.body_text == f"Здравствуйте, Ivan! Деньги вернули. {agent.first_name}"
    assert ticket.messages.get(is_public=False).body_text == f"Refund by {agent}"
    assert ticket.events.filter(kind="status").last().actor_user == agent
    event = ReportingEvent.objects.get(name=ReportingEventName.MACRO_APPLIED)
    assert (event.ticket_id, event.agent_id, event.data["macro"]) == (
        ticket.pk, agent.pk, refund_macro.pk)
    page = client.get(response["HX-Redirect"]).content.decode()
    assert "Refund issued" in page
    assert "applied" in page


def test_without_htmx_the_form_redirects(client, agent, ticket, refund_macro):
    client.force_login(agent)
    response = client.post(apply_url(ticket), {"macro": refund_macro.pk})
    assert response.status_code == 302
    assert response["Location"] == reverse("tickets:detail", args=[ticket.pk])


def test_an_agent_who_cannot_see_the_ticket_gets_404(client, other_agent, ticket, refund_macro):
    client.force_login(other_agent)
    response = client.post(apply_url(ticket), {"macro": refund_macro.pk})
    assert response.status_code == 404
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW
    assert not ticket.tags.exists()


def test_a_macro_of_another_team_is_404(client, agent, ticket, other_team):
    macro = make_macro("Tech only", team=other_team, note="n")
    client.force_login(agent)
    assert client.post(apply_url(ticket), {"macro": macro.pk}).status_code == 404
    assert client.post(apply_url(ticket), {"macro": "x"}).status_code == 404
    assert client.get(apply_url(ticket)).status_code == 405
    supervisor = UserFactory(role=Role.SUPERVISOR)
    client.force_login(supervisor)
    assert client.post(apply_url(ticket), {"macro": macro.pk}).status_code == 302


def test_a_refused_action_undoes_the_whole_macro(agent, ticket):
    macro = make_macro("Close it", note="closing", actions=[
        {"type": "add_tags", "tags": ["closing"]}, {"type": "set_status", "status": "closed"},
        {"type": "set_status", "status": "open"},  # a closed ticket cannot change status
    ])
    with pytest.raises(InvalidInput):
        apply_macro(ticket, macro, agent=agent)
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW
    assert not ticket.tags.exists()
    assert not ticket.messages.filter(is_public=False).exists()


def test_the_refusal_is_shown_on_the_page(client, agent, ticket):
    macro = make_macro("Broken", actions=[{"type": "set_status", "status": "closed"},
                                          {"type": "set_status", "status": "open"}])
    client.force_login(agent)
    response = client.post(apply_url(ticket), {"macro": macro.pk}, follow=True)
    assert "A closed ticket cannot change status." in response.content.decode()


def test_moved_out_of_view_goes_back_to_the_inbox(client, agent, ticket, other_team):
    macro = make_macro("To tech", actions=[{"type": "assign", "team": other_team.pk}])
    client.force_login(agent)
    response = client.post(apply_url(ticket), {"macro": macro.pk})
    assert response["Location"] == reverse("tickets:inbox")


def test_macro_changes_run_triggers_after_commit_with_their_chain(
    run_commit_hooks, agent, ticket, refund_macro
):
    make_trigger("on solved", events=["ticket.status"],
                 conditions_={"all": [{"field": "status", "op": "is", "value": "solved"}]},
                 actions_=[{"type": "add_tags", "tags": ["auto"]}])
    with run_commit_hooks():
        apply_macro(ticket, refund_macro, agent=agent)
    assert set(ticket.tags.values_list("name", flat=True)) == {"refunded", "auto"}


def test_unavailable_and_merged(agent, other_team, customer, team):
    macro = make_macro("Tech only", team=other_team, note="n")
    ticket = make_ticket(requester=customer, team=team)
    with pytest.raises(NotFound):
        apply_macro(ticket, macro, agent=agent)
    Macro.objects.filter(pk=macro.pk).update(team=None)
    ticket.merged_into = make_ticket(requester=customer, team=team)
    with pytest.raises(InvalidInput):
        apply_macro(ticket, macro, agent=agent)
