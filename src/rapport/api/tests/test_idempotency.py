from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from rapport.api.errors import IdempotencyInProgress, IdempotencyKeyReused
from rapport.api.idempotency import claim, prune
from rapport.api.models import IdempotencyRecord
from rapport.api.tasks import prune_idempotency
from rapport.api.tests.helpers import assert_error, post
from rapport.tickets.models import Ticket

pytestmark = pytest.mark.django_db

URL = "/api/v1/tickets"


@pytest.fixture
def payload(customer):
    return {"subject": "Lost parcel", "body_text": "Nothing came.", "requester_id": customer.pk}


def test_same_key_replays_the_first_response(agent_api, payload):
    first = post(agent_api, URL, payload, **{"Idempotency-Key": "k-1"})
    again = post(agent_api, URL, payload, **{"Idempotency-Key": "k-1"})
    assert first.status_code == again.status_code == 201
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Ticket.objects.count() == 1
    record = IdempotencyRecord.objects.get()
    assert record.status_code == 201
    assert record.key == "k-1"


def test_replayed_body_matches_a_plain_response(agent_api, payload):
    keyed = post(agent_api, URL, payload, **{"Idempotency-Key": "k-2"}).json()
    plain = post(agent_api, URL, payload).json()
    assert set(keyed) == set(plain)
    assert keyed["created_at"][-1] == plain["created_at"][-1]  # same datetime format


def test_same_key_with_another_body_is_422(agent_api, payload):
    post(agent_api, URL, payload, **{"Idempotency-Key": "k-3"})
    other = {**payload, "subject": "Different"}
    assert_error(post(agent_api, URL, other, **{"Idempotency-Key": "k-3"}), 422,
                 "idempotency_key_reused")
    assert Ticket.objects.count() == 1


def test_same_key_on_another_path_is_422(agent_api, agent, ticket):
    post(agent_api, f"{URL}/{ticket.pk}/notes", {"body_text": "x"}, **{"Idempotency-Key": "k"})
    response = post(agent_api, f"{URL}/{ticket.pk}/reply", {"body_text": "x"},
                    **{"Idempotency-Key": "k"})
    assert_error(response, 422, "idempotency_key_reused")


def test_keys_belong_to_one_user(agent_api, client_for, supervisor, payload):
    post(agent_api, URL, payload, **{"Idempotency-Key": "shared"})
    response = post(client_for(supervisor), URL, payload, **{"Idempotency-Key": "shared"})
    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert Ticket.objects.count() == 2
    assert IdempotencyRecord.objects.filter(key="shared").count() == 2


def test_request_in_flight_is_409(agent_api, agent, payload):
    first = post(agent_api, URL, payload, **{"Idempotency-Key": "k-4"})
    IdempotencyRecord.objects.filter(key="k-4").update(status_code=None, response_body="")
    assert_error(post(agent_api, URL, payload, **{"Idempotency-Key": "k-4"}), 409,
                 "idempotency_in_progress")
    assert first.status_code == 201
    assert Ticket.objects.count() == 1


def test_stale_claim_is_taken_over(agent, payload):
    record = IdempotencyRecord.objects.create(user=agent, key="k-5", request_hash="h")
    IdempotencyRecord.objects.filter(pk=record.pk).update(
        created_at=timezone.now() - timedelta(minutes=11)
    )
    taken, replay = claim(agent, "k-5", "h")
    assert taken.pk == record.pk
    assert replay is False


def test_failed_request_releases_the_key(agent_api, payload):
    bad = {**payload, "body_text": ""}
    assert_error(post(agent_api, URL, bad, **{"Idempotency-Key": "k-6"}), 400, "empty_message")
    assert not IdempotencyRecord.objects.exists()
    # The client fixes the body and retries with the same key.
    assert post(agent_api, URL, payload, **{"Idempotency-Key": "k-6"}).status_code == 201


def test_expired_record_no_longer_replays(agent_api, agent, payload, settings):
    post(agent_api, URL, payload, **{"Idempotency-Key": "k-7"})
    IdempotencyRecord.objects.update(
        created_at=timezone.now() - timedelta(seconds=settings.RAPPORT_IDEMPOTENCY_TTL + 1)
    )
    response = post(agent_api, URL, payload, **{"Idempotency-Key": "k-7"})
    assert "Idempotent-Replayed" not in response
    assert Ticket.objects.count() == 2
    assert IdempotencyRecord.objects.get().created_at > timezone.now() - timedelta(minutes=1)


@pytest.mark.parametrize("key", ["", "x" * 201])
def test_invalid_key_is_400(agent_api, payload, key):
    assert_error(post(agent_api, URL, payload, **{"Idempotency-Key": key}), 400,
                 "invalid_idempotency_key")
    assert not Ticket.objects.exists()


def test_second_claim_loses_on_the_unique_constraint(agent):
    record, replay = claim(agent, "k-8", "h")
    assert replay is False
    assert record.status_code is None
    with pytest.raises(IdempotencyInProgress):
        claim(agent, "k-8", "h")
    with pytest.raises(IdempotencyKeyReused):
        claim(agent, "k-8", "other")


def test_prune_task_and_command_delete_old_records(agent, settings):
    old = IdempotencyRecord.objects.create(user=agent, key="old", request_hash="h")
    fresh = IdempotencyRecord.objects.create(user=agent, key="fresh", request_hash="h")
    IdempotencyRecord.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(seconds=settings.RAPPORT_IDEMPOTENCY_TTL + 5)
    )
    result = prune_idempotency.enqueue()
    assert result.return_value == 1
    assert list(IdempotencyRecord.objects.values_list("pk", flat=True)) == [fresh.pk]
    out = StringIO()
    call_command("prune_idempotency", stdout=out)
    assert "Deleted 0" in out.getvalue()
    assert prune(now=timezone.now() + timedelta(days=2)) == 1

