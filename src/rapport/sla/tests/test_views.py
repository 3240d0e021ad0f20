"""The countdown badge in the inbox and on the ticket page, seen by a signed-in agent."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rapport.sla.display import format_span
from rapport.sla.tests.conftest import belgrade, make_policy
from rapport.tickets import services
from rapport.tickets.models import Status
from rapport.tickets.services import Body
from rapport.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db
INBOX = reverse("tickets:inbox")


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


def badges(html):
    return re.findall(r'<span class="sla-badge sla-(\w+)" title="([^"]*)" data-sla-due="[^"]+" '
                      r'data-sla-warn="[^"]*" data-sla-target="\w+">'
                      r'<span class="visually-hidden">([^<]*)</span>([^<]*)</span>', html)


def test_the_inbox_row_counts_down_to_the_first_reply(agent_client, clock, policy, customer,
                                                      team, settings):
    settings.TIME_ZONE = "Europe/Belgrade"
    make_ticket(requester=customer, team=team, subject="Parcel lost")
    clock.set(belgrade(2025, 6, 10, 9, 10))
    html = agent_client.get(INBOX, {"view": "all"}).content.decode()
    [(state, title, said, text)] = badges(html)
    assert (state, said.strip(), text) == ("ok", "SLA:", "First reply in 50 min")
    assert "counted in business hours (Belgrade office)" in title
    assert "Due 06/10/2025 10 a.m." in title  # the wall-clock due time, on hover

    clock.set(belgrade(2025, 6, 10, 9, 40))
    [(state, _title, said, text)] = badges(agent_client.get(INBOX, {"view": "all"})
                                           .content.decode())
    assert (state, said.strip(), text) == ("warning", "SLA at risk:", "First reply in 20 min")

    clock.set(belgrade(2025, 6, 10, 10, 12))
    [(state, _title, said, text)] = badges(agent_client.get(INBOX, {"view": "all"})
                                           .content.decode())
    assert (state, said.strip(), text) == ("breached", "SLA breached:",
                                           "First reply overdue by 12 min")


def test_rows_without_a_running_target_have_no_badge(agent_client, clock, policy, customer,
                                                     team, agent):
    ticket = make_ticket(requester=customer, team=team)
    services.post_reply(ticket, actor=agent, body=Body(text="Wait"), status=Status.PENDING)
    html = agent_client.get(INBOX, {"view": "all"}).content.decode()
    assert badges(html) == []
    assert "sla-badge" not in html


def inbox_queries(client):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(INBOX, {"view": "all"})
    assert response.status_code == 200
    return len(captured), len(badges(response.content.decode()))


def test_the_inbox_reads_all_badges_in_one_query(agent_client, clock, policy, customer, team):
    make_ticket(requester=customer, team=team)
    few, shown = inbox_queries(agent_client)
    assert shown == 1
    for _ in range(12):
        make_ticket(requester=customer, team=team)
    many, shown = inbox_queries(agent_client)
    assert shown == 13
    assert many == few


def test_the_badge_is_in_the_row_for_narrow_and_wide_layouts(agent_client, clock, policy,
                                                             customer, team):
    make_ticket(requester=customer, team=team)
    html = agent_client.get(INBOX, {"view": "all"}).content.decode()
    subject_cell = re.search(r'<td class="col-subject">(.*?)</td>', html, re.S).group(1)
    assert "sla-badge" in subject_cell  # the one column no layout hides
    assert "style=" not in html
    assert "<script>" not in html


def test_the_ticket_page_shows_the_badge_and_every_target(agent_client, clock, policy,
                                                          customer, team, agent):
    ticket = make_ticket(requester=customer, team=team)
    clock.advance(minutes=5)
    services.post_reply(ticket, actor=agent, body=Body(text="Hi"))
    html = agent_client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    head = re.search(r'<span id="sla-head-badge"[^>]*>(.*?)</span>\s*</div>', html, re.S)
    assert "Resolve in 8 h 55 min" in head.group(1)  # the wall clock: lunch included
    panel = re.search(r'<section id="sla-panel".*?</section>', html, re.S).group(0)
    assert "Standard" in panel
    assert "First reply" in panel
    assert "Met " in panel
    assert "Resolution" in panel
    assert reverse("sla:ticket_panel", args=[ticket.pk]) in panel


def test_the_panel_refreshes_with_the_head_badge_out_of_band(agent_client, clock, policy,
                                                             customer, team):
    ticket = make_ticket(requester=customer, team=team)
    html = agent_client.get(reverse("sla:ticket_panel", args=[ticket.pk])).content.decode()
    assert 'id="sla-panel"' in html
    assert '<span id="sla-head-badge" class="sla-head" hx-swap-oob="true">' in html
    assert "First reply in 1 h" in html


def test_the_panel_of_a_ticket_the_agent_cannot_see_does_not_exist(agent_client, clock, policy,
                                                                   customer, other_team):
    hidden = make_ticket(requester=customer, team=other_team)
    response = agent_client.get(reverse("sla:ticket_panel", args=[hidden.pk]))
    assert response.status_code == 404


def test_a_ticket_without_sla_has_no_panel(agent_client, clock, office, customer, team):
    ticket = make_ticket(requester=customer, team=team)
    html = agent_client.get(reverse("tickets:detail", args=[ticket.pk])).content.decode()
    assert "sla-panel" not in html
    assert "sla-badge" not in html


@pytest.mark.parametrize(("seconds", "text"), [
    (5, "1 min"), (60, "1 min"), (61, "2 min"), (3600, "1 h"), (4800, "1 h 20 min"),
    (86400, "1 d"), (93600, "1 d 2 h"),
])
def test_spans_are_short_and_round_up(seconds, text):
    assert format_span(seconds) == text


def test_badges_are_translated(agent_client, clock, policy, customer, team, agent):
    agent.ui_language = "ru"
    agent.save()
    make_ticket(requester=customer, team=team)
    make_policy("Other", position=99)
    response = agent_client.get(INBOX, {"view": "all"})
    assert response.status_code == 200
    assert len(badges(response.content.decode())) == 1


def test_the_badges_count_down_in_the_browser_from_a_static_script(agent_client, clock, policy,
                                                                   customer, team):
    make_ticket(requester=customer, team=team)
    html = agent_client.get(INBOX, {"view": "all"}).content.decode()
    assert '<script src="/static/sla/countdown.js" defer></script>' in html
    labels = re.search(r"<span hidden data-sla-labels ([^>]*)></span>", html).group(1)
    assert 'data-first-ahead="First reply in %(time)s"' in labels
    assert 'data-hours-minutes="%(hours)d h %(minutes)d min"' in labels
    assert 'data-sla-target="first_response"' in html
    script = agent_client.get("/static/sla/countdown.js")
    assert script.status_code == 200
