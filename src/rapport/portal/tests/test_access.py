"""One-time links: confirm before use, refuse reuse and expiry, ask for a new one safely."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from rapport.contacts.services import merge_customers
from rapport.contacts.tests.factories import CustomerFactory
from rapport.portal.models import PortalLink
from rapport.portal.services import issue_access_link
from rapport.portal.session import SESSION_KEY
from rapport.portal.tests.helpers import aged_token, in_russian, link_path, links_in, sign_in_as
from rapport.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db


def test_link_without_ticket_leads_to_the_list_and_cycles_the_session(client, customer):
    client.get(reverse("portal:contact"))
    before = client.session.session_key
    path = link_path(issue_access_link(customer))
    response = client.post(path)
    assert response.url == reverse("portal:tickets")
    assert client.session.session_key != before
    assert client.session[SESSION_KEY] == customer.pk
    # The customer's language becomes the portal's.
    assert client.session["portal_language"] == "ru"


def test_used_link_is_refused(client, customer):
    path = link_path(issue_access_link(customer))
    assert client.post(path).status_code == 302
    client.post(reverse("portal:logout"))

    again = client.post(path)
    assert again.status_code == 410
    assert in_russian("This link no longer works") in again.content.decode()
    assert SESSION_KEY not in client.session
    assert client.get(path).status_code == 410


def test_expired_link_is_refused_and_offers_a_new_one(client, customer):
    path = link_path(issue_access_link(customer))
    PortalLink.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    shown = client.get(path)
    assert shown.status_code == 410
    assert reverse("portal:request_link") in shown.content.decode()
    assert client.post(path).status_code == 410
    assert SESSION_KEY not in client.session


def test_unknown_token_is_refused(client):
    assert client.post(reverse("portal:access", args=["made-up-token"])).status_code == 410


def test_get_does_not_use_the_link(client, customer):
    path = link_path(issue_access_link(customer))
    client.get(path)
    client.get(path)
    assert PortalLink.objects.get().used_at is None
    assert client.post(path).status_code == 302
    assert PortalLink.objects.get().used_at is not None


def test_access_pages_are_not_cached(client, customer):
    response = client.get(link_path(issue_access_link(customer)))
    assert "no-store" in response.headers["Cache-Control"]


def test_merged_customer_session_follows_the_survivor(client, customer, agent):
    survivor = CustomerFactory(email="ivan.new@example.test")
    old_ticket = make_ticket(requester=customer, subject="Old address ticket")
    sign_in_as(client, customer)
    merge_customers(customer, survivor, actor=agent)
    response = client.get(reverse("portal:tickets"))
    assert response.status_code == 200
    assert "Old address ticket" in response.content.decode()
    assert client.get(reverse("portal:ticket", args=[old_ticket.pk])).status_code == 200


def test_logout_ends_the_portal_session(client, customer):
    sign_in_as(client, customer)
    assert client.get(reverse("portal:logout")).status_code == 405
    response = client.post(reverse("portal:logout"))
    assert response.url == reverse("portal:contact")
    assert SESSION_KEY not in client.session
    assert client.get(reverse("portal:tickets")).url == reverse("portal:request_link")


def request_link(client, email, **extra):
    data = {"email": email, "website": "", "started": aged_token()}
    return client.post(reverse("portal:request_link"), data, **extra)


def test_request_link_answers_the_same_for_known_and_unknown_addresses(
    client, customer, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        known = request_link(client, "IVAN@example.test")
    with django_capture_on_commit_callbacks(execute=True):
        unknown = request_link(client, "nobody@example.test")
    assert known.status_code == unknown.status_code == 200
    assert [t.name for t in known.templates] == [t.name for t in unknown.templates]
    assert "If we know the address" in unknown.content.decode()
    assert "nobody@example.test" not in str(known.content)

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["ivan@example.test"]
    [path] = links_in(mailoutbox[0].body)
    assert client.post(path).url == reverse("portal:tickets")
    assert client.session[SESSION_KEY] == customer.pk


def test_request_link_for_merged_customer_signs_in_the_survivor(
    client, customer, agent, django_capture_on_commit_callbacks, mailoutbox
):
    survivor = CustomerFactory(email="ivan.new@example.test")
    merge_customers(customer, survivor, actor=agent)
    with django_capture_on_commit_callbacks(execute=True):
        request_link(client, "ivan@example.test")
    [path] = links_in(mailoutbox[0].body)
    client.post(path)
    assert client.session[SESSION_KEY] == survivor.pk


def test_request_link_is_rate_limited(
    client, customer, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.RAPPORT_PORTAL_SUBMISSIONS_PER_HOUR = 1
    with django_capture_on_commit_callbacks(execute=True):
        assert request_link(client, "ivan@example.test").status_code == 200
        response = request_link(client, "ivan@example.test", REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 429
    assert len(mailoutbox) == 1


def test_request_link_honeypot(client, customer, mailoutbox, django_capture_on_commit_callbacks):
    data = {"email": "ivan@example.test", "website": "x", "started": aged_token()}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portal:request_link"), data)
    assert response.status_code == 400
    assert mailoutbox == []
