"""The widget's HTTP side: CORS per site, availability, honest wait, offline messages."""

from datetime import timedelta

import pytest
from django.utils import timezone

from rapport.accounts.availability import mark_available
from rapport.channels.chat.models import ChatSite
from rapport.channels.chat.tests.helpers import ORIGIN
from rapport.reports.models import ReportingEvent
from rapport.reports.models import ReportingEventName as RE
from rapport.tickets.models import Ticket


@pytest.fixture
def site(team):
    return ChatSite.objects.create(
        name="Shop", allowed_origins=[ORIGIN], team=team, prechat={"email": "required"}
    )


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()


def _config(client, site, origin=ORIGIN, lang="en"):
    return client.get(f"/chat/sites/{site.key}/config?lang={lang}", HTTP_ORIGIN=origin)


def test_config_allows_only_the_sites_origins(client, site):
    allowed = _config(client, site)
    assert allowed.status_code == 200
    assert allowed["Access-Control-Allow-Origin"] == ORIGIN
    refused = _config(client, site, origin="https://evil.example")
    assert "Access-Control-Allow-Origin" not in refused
    assert client.get("/chat/sites/nope/config").status_code == 404


def test_nobody_available_means_offline(client, site, agent, other_agent):
    body = _config(client, site).json()
    assert body["online"] is False
    mark_available(other_agent.pk)  # available, but not in the site's team
    assert _config(client, site).json()["online"] is False
    mark_available(agent.pk)
    assert _config(client, site).json()["online"] is True


def test_the_wait_is_measured_not_promised(client, site, agent):
    mark_available(agent.pk)
    body = _config(client, site).json()
    assert body["expected_wait_seconds"] is None
    assert body["expected_wait_text"] == ""
    now = timezone.now()
    for seconds in (60, 180, 300):  # median 180 s
        ReportingEvent.objects.create(
            name=RE.CHAT_FIRST_REPLY,
            team_id=site.team_id,
            channel="chat",
            occurred_at=now - timedelta(minutes=5),
            duration_seconds=seconds,
        )
    ReportingEvent.objects.create(  # too old to count
        name=RE.CHAT_FIRST_REPLY,
        team_id=site.team_id,
        channel="chat",
        occurred_at=now - timedelta(hours=5),
        duration_seconds=3600,
    )
    body = _config(client, site, lang="ru").json()
    assert body["expected_wait_seconds"] == 180
    assert body["expected_wait_text"] == "около 3 минут"
    assert body["prechat"] == {"name": "optional", "email": "required", "question": "optional"}


def test_config_speaks_the_visitors_language(client, site):
    assert _config(client, site, lang="zh-CN").json()["language"] == "zh-hans"
    assert _config(client, site, lang="sr").json()["texts"]["send"] != "Send"
    assert _config(client, site, lang="xx").json()["language"] == site.language


def test_offline_message_becomes_an_email_ticket(client, site):
    response = client.post(
        f"/chat/sites/{site.key}/offline",
        HTTP_ORIGIN=ORIGIN,
        content_type="application/json",
        data={"name": "Ivan", "email": "ivan@example.test", "message": "Call me back"},
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == ORIGIN
    ticket = Ticket.objects.get(pk=response.json()["ticket"])
    assert ticket.channel == "email"
    assert ticket.team == site.team
    assert ticket.requester.email == "ivan@example.test"


def test_offline_message_without_an_address_is_refused(client, site):
    response = client.post(
        f"/chat/sites/{site.key}/offline", content_type="application/json", data={"message": "hi"}
    )
    assert response.status_code == 400
    assert Ticket.objects.count() == 0


def test_closed_hours_mean_offline_with_the_next_opening(client, site, agent):
    mark_available(agent.pk)
    site.opening_hours = {day: [] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
    site.opening_hours["mon"] = [["00:00", "00:01"]]
    site.save()
    body = _config(client, site).json()
    assert body["online"] is False
    assert body["next_open_at"] is not None


def test_invitations_are_part_of_the_config(client, site):
    from rapport.channels.chat.models import ChatInvitation

    ChatInvitation.objects.create(site=site, message="Need help?", url_pattern="/pricing*",
                                  seconds_on_page=20)
    ChatInvitation.objects.create(site=site, message="Off", active=False)
    invitations = _config(client, site).json()["invitations"]
    assert [i["message"] for i in invitations] == ["Need help?"]
    assert invitations[0]["seconds_on_page"] == 20
