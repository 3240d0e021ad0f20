import pytest
from django.urls import reverse

from rapport.audit.models import AuditEntry
from rapport.contacts.models import Customer
from rapport.contacts.tests.factories import CompanyFactory, CustomerFactory
from rapport.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db
LIST = reverse("contacts:list")


def detail_url(customer):
    return reverse("contacts:detail", args=[customer.pk])


def test_list_needs_an_agent(client):
    assert client.get(LIST).status_code == 302


def test_list_and_search(client, agent, customer):
    CustomerFactory(name="Li Wei", email="li@example.cn", company=CompanyFactory(name="Acme"))
    client.force_login(agent)
    response = client.get(LIST)
    assert response.status_code == 200
    assert {c.name for c in response.context["page"]} == {"Ivan Petrov", "Li Wei"}
    assert [c.name for c in client.get(LIST, {"q": "acme"}).context["page"]] == ["Li Wei"]
    assert [c.name for c in client.get(LIST, {"q": "ivan@"}).context["page"]] == ["Ivan Petrov"]


def test_list_fragment_for_htmx(client, agent, customer):
    client.force_login(agent)
    html = client.get(LIST, {"q": "Ivan"}, headers={"HX-Request": "true"}).content.decode()
    assert html.lstrip().startswith('<section id="customer-list"')
    assert "<html" not in html


def test_detail_shows_identities_and_only_visible_tickets(client, agent, customer, team,
                                                         other_team):
    mine = make_ticket(requester=customer, team=team, subject="Visible one")
    hidden = make_ticket(requester=customer, team=other_team, subject="Hidden one")
    client.force_login(agent)
    response = client.get(detail_url(customer))
    html = response.content.decode()
    assert response.status_code == 200
    assert list(response.context["tickets"]) == [mine]
    assert "ivan@example.test" in html
    assert "Visible one" in html
    assert hidden.subject not in html
    assert not response.context["can_merge"]
    assert reverse("contacts:merge", args=[customer.pk]) not in html


def test_merge_is_for_supervisors(client, agent, customer):
    other = CustomerFactory(email="ivan.p@example.test")
    client.force_login(agent)
    response = client.post(reverse("contacts:merge", args=[customer.pk]), {"other": other.pk})
    assert response.status_code == 403
    other.refresh_from_db()
    assert other.merged_into is None


def test_supervisor_merges_by_email(client, supervisor, customer, team):
    other = CustomerFactory(name="", email="ivan.p@example.test")
    ticket = make_ticket(requester=other, team=team)
    client.force_login(supervisor)
    response = client.post(reverse("contacts:merge", args=[customer.pk]),
                           {"other": "Ivan.P@example.test"})
    assert response.status_code == 302
    assert response["Location"] == detail_url(customer)
    other.refresh_from_db()
    ticket.refresh_from_db()
    assert other.merged_into == customer
    assert ticket.requester == customer
    assert AuditEntry.objects.filter(action="customer.merged", actor=supervisor).exists()
    # The old page now leads to the customer that stayed.
    assert client.get(detail_url(other))["Location"] == detail_url(customer)


def test_merge_errors_are_shown(client, supervisor, customer):
    client.force_login(supervisor)
    url = reverse("contacts:merge", args=[customer.pk])
    response = client.post(url, {"other": customer.pk})
    assert response.status_code == 400
    assert response.context["merge_form"].errors["other"]
    response = client.post(url, {"other": "nobody@example.test"})
    assert response.status_code == 400
    assert Customer.objects.filter(merged_into__isnull=False).count() == 0
