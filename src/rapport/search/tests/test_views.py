"""The search page, the top bar's quick results and the API endpoint."""

import pytest
from django.urls import reverse

from rapport.search.models import SearchLog
from rapport.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def delivery(team, customer):
    return make_ticket(requester=customer, team=team, subject="Сроки доставки в Казань",
                       text="Когда приедет курьер с доставкой?")


def test_the_results_page_lists_highlighted_hits_and_logs_the_search(client, agent, delivery):
    client.force_login(agent)
    response = client.get(reverse("search:results"), {"q": "доставка"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "<mark>доставки</mark>" in body
    assert reverse("tickets:detail", args=[delivery.pk]) in body
    assert SearchLog.objects.get().source == "agent"


def test_filters_narrow_the_results(client, agent, delivery):
    client.force_login(agent)
    body = client.get(reverse("search:results"), {"q": "доставка", "kind": "customer"}).content
    assert reverse("tickets:detail", args=[delivery.pk]).encode() not in body
    body = client.get(reverse("search:results"), {"q": "доставка", "status": "solved"}).content
    assert reverse("tickets:detail", args=[delivery.pk]).encode() not in body


def test_invalid_filters_are_reported_not_searched(client, agent, delivery):
    client.force_login(agent)
    response = client.get(reverse("search:results"), {"q": "доставка", "since": "yesterday"})
    assert response.status_code == 200
    assert reverse("tickets:detail", args=[delivery.pk]).encode() not in response.content
    assert b'role="alert"' in response.content


def test_quick_results_match_the_word_being_typed(client, agent, delivery):
    client.force_login(agent)
    body = client.get(reverse("search:quick"), {"q": "курь"}).content.decode()
    assert reverse("tickets:detail", args=[delivery.pk]) in body
    assert "See all results" in body
    assert client.get(reverse("search:quick"), {"q": ""}).content.strip() == b""


def test_the_api_returns_hits_with_absolute_urls(client, agent, delivery):
    client.force_login(agent)
    response = client.get("/api/v1/search", {"q": "доставкой", "kind": "ticket"})
    assert response.status_code == 200
    data = response.json()
    assert data["total"] == 1
    assert data["items"][0]["ticket_id"] == delivery.pk
    assert data["items"][0]["url"].startswith("http")


def test_the_api_needs_customers_read_for_customer_hits(client, agent):
    from rapport.api.services import create_token

    secret = create_token(agent, "search only", ["tickets:read"])[1]
    response = client.get("/api/v1/search", {"q": "x", "kind": "customer"},
                          HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 403
