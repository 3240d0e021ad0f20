import pytest

from rapport.api.tests.helpers import assert_error, patch, post
from rapport.contacts.models import Customer, Identity
from rapport.contacts.tests.factories import CompanyFactory, CustomerFactory
from rapport.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db

URL = "/api/v1/customers"


def test_list_searches_name_and_email_and_hides_merged(agent_api, customer):
    CustomerFactory(name="Li Wei", email="li.wei@example.test")
    CustomerFactory(name="Ivan Merged", merged_into=customer)
    names = [c["name"] for c in agent_api.get(URL).json()["items"]]
    assert names == ["Ivan Petrov", "Li Wei"]
    assert [c["name"] for c in agent_api.get(URL, {"q": "LI.WEI@"}).json()["items"]] == ["Li Wei"]
    assert [c["name"] for c in agent_api.get(URL, {"q": "ivan"}).json()["items"]] == [
        "Ivan Petrov"
    ]


def test_list_cursor_walks_all_pages(agent_api, django_assert_max_num_queries):
    created = {CustomerFactory(name=f"Customer {i % 4}").pk for i in range(13)}
    seen, cursor = [], None
    while True:
        params = {"limit": 4, **({"cursor": cursor} if cursor else {})}
        with django_assert_max_num_queries(3):
            page = agent_api.get(URL, params).json()
        seen += [c["id"] for c in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 13
    assert set(seen) == created


def test_bad_cursor_is_400(agent_api):
    assert_error(agent_api.get(URL, {"cursor": "eyJhIjoxfQ"}), 400, "invalid_cursor")


def test_read_customer_with_identities_and_company(agent_api):
    company = CompanyFactory(name="Acme")
    customer = CustomerFactory(name="Dana", email="dana@acme.test", company=company)
    body = agent_api.get(f"{URL}/{customer.pk}").json()
    assert body["company"] == {"id": company.pk, "name": "Acme"}
    assert body["identities"] == [{"kind": "email", "value": "dana@acme.test", "provider": "",
                                   "verified": False}]
    assert_error(agent_api.get(f"{URL}/999999"), 404, "not_found")


def test_customer_tickets_are_scoped_to_what_the_agent_sees(
    agent_api, customer, team, other_team
):
    mine = make_ticket(requester=customer, team=team)
    make_ticket(requester=customer, team=other_team)
    response = agent_api.get(f"{URL}/{customer.pk}/tickets")
    assert [t["id"] for t in response.json()["items"]] == [mine.pk]


def test_customer_tickets_need_both_scopes(client_for, agent, customer):
    client = client_for(agent, scopes=["customers:read"])
    body = assert_error(client.get(f"{URL}/{customer.pk}/tickets"), 403, "insufficient_scope")
    assert body["details"]["missing"] == ["tickets:read"]


def test_create_customer_with_email_identity(agent_api):
    company = CompanyFactory()
    response = post(agent_api, URL, {"name": "Zhang Min", "email": "Zhang@Example.test",
                                     "language": "zh-hans", "company_id": company.pk})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["email"] == "zhang@example.test"
    assert body["company"]["id"] == company.pk
    assert Identity.objects.get(value="zhang@example.test").customer_id == body["id"]


def test_create_duplicate_email_is_409(agent_api, customer):
    assert_error(post(agent_api, URL, {"email": "IVAN@example.test"}), 409, "customer_exists")
    assert Customer.objects.count() == 1


@pytest.mark.parametrize(("payload", "status", "code"), [
    ({}, 400, "customer_empty"),
    ({"email": "nope"}, 400, "invalid_email"),
    ({"name": "x", "company_id": 999999}, 400, "unknown_company"),
    ({"name": ["x"]}, 422, "invalid_payload"),
])
def test_create_refusals(agent_api, payload, status, code):
    assert_error(post(agent_api, URL, payload), status, code)


def test_patch_customer(agent_api, customer):
    company = CompanyFactory()
    response = patch(agent_api, f"{URL}/{customer.pk}", {"phone": "+381 11 123",
                                                          "company_id": company.pk})
    assert response.status_code == 200, response.content
    customer.refresh_from_db()
    assert customer.phone == "+381 11 123"
    assert customer.company == company
    assert customer.name == "Ivan Petrov"
    response = patch(agent_api, f"{URL}/{customer.pk}", {"company_id": None})
    assert response.json()["company"] is None
    assert_error(patch(agent_api, f"{URL}/{customer.pk}", {"name": None}), 422, "invalid_payload")


def test_merge_customer_moves_tickets(agent_api, customer, team):
    duplicate = CustomerFactory(name="", email="ivan.p@example.test")
    ticket = make_ticket(requester=duplicate, team=team)
    response = post(agent_api, f"{URL}/{duplicate.pk}/merge", {"target_id": customer.pk})
    assert response.status_code == 200, response.content
    assert response.json()["id"] == customer.pk
    values = {i["value"] for i in response.json()["identities"]}
    assert values == {"ivan@example.test", "ivan.p@example.test"}
    ticket.refresh_from_db()
    assert ticket.requester == customer
    assert_error(post(agent_api, f"{URL}/{customer.pk}/merge", {"target_id": duplicate.pk}),
                 400, "already_merged")


def test_customer_writes_need_customers_write(client_for, agent, customer):
    client = client_for(agent, scopes=["customers:read"])
    assert_error(patch(client, f"{URL}/{customer.pk}", {"name": "x"}), 403, "insufficient_scope")
