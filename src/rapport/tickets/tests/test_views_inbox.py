import csv
import io

import pytest
from django.urls import reverse

from rapport.audit.models import AuditEntry
from rapport.tickets import services
from rapport.tickets.models import Channel, Priority, Status, Ticket
from rapport.tickets.tests.factories import make_ticket
from rapport.tickets.views import inbox as inbox_views

pytestmark = pytest.mark.django_db
INBOX = reverse("tickets:inbox")


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


def numbers(response):
    return [t.pk for t in response.context["tickets"]]


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(INBOX)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_root_redirects_to_inbox(agent_client):
    assert agent_client.get("/")["Location"] == INBOX


def test_default_view_is_my_open(agent_client, agent, team):
    mine = make_ticket(team=team, assignee=agent, subject="Mine")
    make_ticket(team=team, subject="Not assigned")
    response = agent_client.get(INBOX)
    assert response.status_code == 200
    assert numbers(response) == [mine.pk]
    assert response.context["current_view"] == "my_open"
    assert "Mine" in response.content.decode()


def test_views_list_only_visible_tickets(agent_client, agent, team, other_team):
    unassigned = make_ticket(team=team)
    solved = make_ticket(team=team, assignee=agent)
    services.set_status(solved, actor=agent, status=Status.SOLVED)
    pending = make_ticket(team=team, assignee=agent)
    services.set_status(pending, actor=agent, status=Status.PENDING)
    hidden = make_ticket(team=other_team)
    assert set(numbers(agent_client.get(INBOX, {"view": "unassigned"}))) == {unassigned.pk}
    assert numbers(agent_client.get(INBOX, {"view": "solved"})) == [solved.pk]
    assert numbers(agent_client.get(INBOX, {"view": "pending"})) == [pending.pk]
    all_numbers = numbers(agent_client.get(INBOX, {"view": "all"}))
    assert hidden.pk not in all_numbers
    assert set(all_numbers) == {unassigned.pk, solved.pk, pending.pk}


def test_nav_shows_counts_per_view(agent_client, agent, team):
    make_ticket(team=team)
    make_ticket(team=team)
    make_ticket(team=team, assignee=agent)
    response = agent_client.get(INBOX)
    html = response.content.decode()
    assert 'href="/tickets/?view=unassigned"' in html
    assert '3 tickets' in html  # "My teams" count, in its accessible label
    assert '2 tickets' in html  # "Unassigned"


def test_filters_narrow_the_list(agent_client, agent, team):
    chat = make_ticket(team=team, channel=Channel.CHAT, priority=Priority.URGENT, tags=["vip"])
    make_ticket(team=team, channel=Channel.EMAIL, language="ru")
    params = {"view": "all"}
    assert numbers(agent_client.get(INBOX, {**params, "channel": "chat"})) == [chat.pk]
    assert numbers(agent_client.get(INBOX, {**params, "priority": "4"})) == [chat.pk]
    assert numbers(agent_client.get(INBOX, {**params, "tag": "VIP"})) == [chat.pk]
    assert numbers(agent_client.get(INBOX, {**params, "status": ["new", "open"],
                                             "assignee": "none", "team": team.pk,
                                             "language": "en", "channel": "chat"})) == [chat.pk]
    assert numbers(agent_client.get(INBOX, {**params, "language": "en"})) == [chat.pk]


def test_search_by_subject_and_number(agent_client, team):
    parcel = make_ticket(team=team, subject="Посылка повреждена")
    make_ticket(team=team, subject="Invoice question")
    assert numbers(agent_client.get(INBOX, {"view": "all", "q": "Посылка"})) == [parcel.pk]
    assert numbers(agent_client.get(INBOX, {"view": "all", "q": f"#{parcel.pk}"})) == [parcel.pk]


def test_sort_by_priority(agent_client, team):
    low = make_ticket(team=team, priority=Priority.LOW)
    urgent = make_ticket(team=team, priority=Priority.URGENT)
    normal = make_ticket(team=team)
    response = agent_client.get(INBOX, {"view": "all", "sort": "priority"})
    assert numbers(response) == [urgent.pk, normal.pk, low.pk]
    response = agent_client.get(INBOX, {"view": "all", "sort": "created"})
    assert numbers(response) == [normal.pk, urgent.pk, low.pk]


def test_invalid_filter_is_a_400_with_a_message(agent_client):
    response = agent_client.get(INBOX, {"view": "all", "status": "bogus"})
    assert response.status_code == 400
    assert response.context["tickets"] == []
    response = agent_client.get(INBOX, {"view": "all", "cursor": "not-a-cursor"})
    assert response.status_code == 400
    assert "cursor" in response.context["error"]


def test_next_page_link_carries_the_cursor(agent_client, team, monkeypatch):
    monkeypatch.setattr(inbox_views, "PAGE_SIZE", 2)
    created = [make_ticket(team=team, subject=f"T{i}") for i in range(5)]
    expected = [t.pk for t in sorted(created, key=lambda t: (t.updated_at, t.pk), reverse=True)]
    seen, params = [], {"view": "all", "channel": "email"}
    for _ in range(3):
        response = agent_client.get(INBOX, params)
        seen += numbers(response)
        next_query = response.context["next_query"]
        if not next_query:
            break
        assert "channel=email" in next_query
        assert "cursor=" in next_query
        assert f'href="{INBOX}?{next_query}"'.replace("&", "&amp;") in response.content.decode()
        params = dict(pair.split("=", 1) for pair in next_query.split("&"))
    assert seen == expected
    assert response.context["first_query"]  # a way back to the first page


def test_htmx_request_gets_only_the_list_fragment(agent_client, team):
    make_ticket(team=team, subject="Fragment me")
    full = agent_client.get(INBOX, {"view": "all"})
    fragment = agent_client.get(INBOX, {"view": "all"}, headers={"HX-Request": "true"})
    assert "<html" in full.content.decode()
    assert 'id="inbox-list"' in full.content.decode()
    body = fragment.content.decode()
    assert "<html" not in body
    assert "<nav id=\"sidebar\"" not in body
    assert body.lstrip().startswith('<section id="inbox-list"')
    assert "Fragment me" in body
    restore = agent_client.get(INBOX, {"view": "all"}, headers={
        "HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert "<html" in restore.content.decode()


def test_pages_have_strict_csp_and_no_inline_code(agent_client, team):
    make_ticket(team=team)
    response = agent_client.get(INBOX, {"view": "all"})
    html = response.content.decode()
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "style=" not in html
    assert "hx-on" not in html
    assert "onclick" not in html
    assert "<script>" not in html
    assert "<style" not in html
    assert 'name="htmx-config"' in html
    assert '"includeIndicatorStyles":false' in html
    assert 'hx-headers=\'{"X-CSRFToken": "' in html


def bulk(client, tickets, **data):
    return client.post(reverse("tickets:bulk"), {"ticket": [t.pk for t in tickets],
                                                 "next": f"{INBOX}?view=all", **data})


def test_bulk_status_touches_only_visible_tickets(agent_client, agent, team, other_team):
    mine = make_ticket(team=team)
    theirs = make_ticket(team=other_team)
    response = bulk(agent_client, [mine, theirs], action="status", status="pending")
    assert response.status_code == 302
    assert response["Location"] == f"{INBOX}?view=all"
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.status == Status.PENDING
    assert theirs.status == Status.NEW
    assert mine.events.filter(kind="status").exists()
    assert not theirs.events.filter(kind="status").exists()


def test_bulk_assign_team_and_tag(agent_client, agent, team, other_agent):
    a, b = make_ticket(team=team), make_ticket(team=team)
    bulk(agent_client, [a, b], action="assign", assignee="me")
    assert set(Ticket.objects.filter(assignee=agent).values_list("pk", flat=True)) == {a.pk, b.pk}
    bulk(agent_client, [a], action="tag", tag="Late-Carrier")
    assert list(a.tags.values_list("name", flat=True)) == ["late-carrier"]
    bulk(agent_client, [b], action="assign", assignee=str(other_agent.pk))
    b.refresh_from_db()
    assert b.assignee == other_agent


def test_bulk_set_team_keeps_the_assignee(agent_client, agent, team, other_team):
    ticket = make_ticket(team=team, assignee=agent)
    bulk(agent_client, [ticket], action="team", team=other_team.pk)
    ticket.refresh_from_db()
    assert ticket.team == other_team
    assert ticket.assignee == agent


def test_bulk_without_a_value_changes_nothing(agent_client, team):
    ticket = make_ticket(team=team)
    response = bulk(agent_client, [ticket], action="status", status="")
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW


def test_bulk_refuses_an_outside_next_url(agent_client, team):
    ticket = make_ticket(team=team)
    response = agent_client.post(reverse("tickets:bulk"), {
        "ticket": [ticket.pk], "action": "tag", "tag": "x", "next": "https://evil.example/"})
    assert response["Location"] == INBOX


def test_export_is_for_supervisors_and_audited(client, agent, supervisor, team):
    make_ticket(team=team, subject="=HYPERLINK(\"x\")", priority=Priority.HIGH)
    make_ticket(team=team, subject="Обычный вопрос")
    client.force_login(agent)
    assert client.get(reverse("tickets:export"), {"view": "all"}).status_code == 403
    client.force_login(supervisor)
    response = client.get(reverse("tickets:export"), {"view": "all", "priority": "3"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 2  # header + the one high-priority ticket
    assert rows[1][1] == "'=HYPERLINK(\"x\")"  # never a live formula
    entry = AuditEntry.objects.get(action="tickets.exported")
    assert entry.actor == supervisor
    assert entry.data["count"] == 1
    assert entry.data["filters"]["priority"] == ["3"]
    assert entry.ip_address == "127.0.0.1"


@pytest.mark.parametrize("language", ["ru", "zh-hans", "sr"])
def test_pages_render_in_every_interface_language(client, agent, team, language):
    agent.ui_language = language
    agent.save()
    ticket = make_ticket(team=team, assignee=agent)
    client.force_login(agent)
    for url in (INBOX, reverse("tickets:detail", args=[ticket.pk]),
                reverse("contacts:list"), reverse("accounts:preferences")):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Language"] == language


def test_nav_counts_are_capped_for_big_views(client, supervisor, team, monkeypatch):
    from rapport.tickets.templatetags import rapport_ui

    monkeypatch.setattr(rapport_ui, "COUNT_CAP", 2)
    for i in range(3):
        make_ticket(team=team, subject=f"Capped {i}")
    client.force_login(supervisor)
    html = client.get(reverse("tickets:inbox") + "?view=all").content.decode()
    assert ">2+</span>" in html
    assert "More than 2 tickets" in html


def test_inbox_shows_times_in_the_installation_time_zone(client, agent, team, settings):
    import datetime as dt

    settings.TIME_ZONE = "Europe/Belgrade"
    ticket = make_ticket(team=team, assignee=agent)
    Ticket.objects.filter(pk=ticket.pk).update(
        updated_at=dt.datetime(2026, 7, 1, 22, 30, tzinfo=dt.UTC)
    )
    client.force_login(agent)
    html = client.get(reverse("tickets:inbox") + "?view=all").content.decode()
    assert "07/02/2026 12:30 a.m." in html  # 22:30 UTC is 00:30 the next day in Belgrade
