"""Two real connections racing on one Idempotency-Key.

PostgreSQL only: the in-memory SQLite test database is shared between threads through
SQLite's shared cache, which answers "table is locked" instead of waiting. The claim
logic itself is covered on both databases in test_idempotency.py.
"""

import threading

import pytest
from django.db import connection
from django.test import Client

from rapport.api.tests.helpers import post
from rapport.tickets import services
from rapport.tickets.models import Ticket

URL = "/api/v1/tickets"


@pytest.mark.django_db(transaction=True)
def test_duplicate_while_first_is_in_flight_is_409(agent, customer, token_for, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs concurrent writers")
    headers = {"Authorization": f"Bearer {token_for(agent)}"}
    payload = {"subject": "Race", "body_text": "x", "requester_id": customer.pk}
    entered, release = threading.Event(), threading.Event()
    original = services.create_ticket

    def slow_create_ticket(**kwargs):
        entered.set()
        release.wait(10)
        return original(**kwargs)

    monkeypatch.setattr(services, "create_ticket", slow_create_ticket)
    results = {}

    def first_request():
        try:
            results["first"] = post(Client(headers=headers), URL, payload,
                                    **{"Idempotency-Key": "race"})
        finally:
            connection.close()

    thread = threading.Thread(target=first_request)
    thread.start()
    try:
        assert entered.wait(10)
        second = post(Client(headers=headers), URL, payload, **{"Idempotency-Key": "race"})
    finally:
        release.set()
        thread.join(10)
    assert second.status_code == 409
    assert second.json()["code"] == "idempotency_in_progress"
    assert results["first"].status_code == 201
    third = post(Client(headers=headers), URL, payload, **{"Idempotency-Key": "race"})
    assert third.status_code == 201
    assert third.content == results["first"].content
    assert Ticket.objects.count() == 1
