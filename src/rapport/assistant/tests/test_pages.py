"""The rules settings page and the report: who may open them, and what they do."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from rapport.accounts.tests.factories import UserFactory
from rapport.assistant import services as assistant
from rapport.assistant.models import PhraseRule, ReplyCheck
from rapport.assistant.tests.conftest import rule
from rapport.audit.models import AuditEntry
from rapport.tickets import services
from rapport.tickets.services import Body
from rapport.tickets.tests.factories import make_ticket

pytestmark = pytest.mark.django_db


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("url_name", ["assistant:rules", "assistant:rule_create",
                                      "assistant:report"])
def test_agents_and_engineers_are_refused_supervisors_and_admins_let_in(
        builtin_rules, url_name, agent, engineer, supervisor, admin_user):
    url = reverse(url_name)
    assert client_of(agent).get(url).status_code == 403
    assert client_of(engineer).get(url).status_code == 403
    assert client_of(supervisor).get(url).status_code == 200
    assert client_of(admin_user).get(url).status_code == 200
    assert Client().get(url).status_code == 302


def test_agents_cannot_change_rules(builtin_rules, agent):
    unfortunately = rule("ru", "К сожалению")
    client = client_of(agent)
    assert client.post(reverse("assistant:rule_toggle", args=[unfortunately.pk])).status_code == 403
    assert client.post(reverse("assistant:rule_edit", args=[unfortunately.pk]),
                       {"language": "ru", "phrase": "x", "alternatives": "y",
                        "category": "other"}).status_code == 403
    unfortunately.refresh_from_db()
    assert unfortunately.enabled
    assert unfortunately.phrase == "К сожалению"


def test_rules_are_listed_per_language(builtin_rules, supervisor):
    client = client_of(supervisor)
    html = client.get(reverse("assistant:rules"), {"language": "ru"}).content.decode()
    assert "К сожалению" in html
    assert "В настоящий момент" in html
    assert "unfortunately" not in html
    html = client.get(reverse("assistant:rules"), {"language": "sr"}).content.decode()
    assert "Нажалост" in html
    assert "К сожалению" not in html


def test_supervisor_adds_edits_and_turns_off_a_rule(builtin_rules, supervisor):
    client = client_of(supervisor)
    response = client.post(reverse("assistant:rule_create"), {
        "language": "ru", "phrase": "Увы", "alternatives": "Сейчас\nВ данный момент",
        "category": "negative", "explanation": "Звучит печально.", "enabled": "on"})
    assert response.status_code == 302
    added = PhraseRule.objects.get(phrase="Увы")
    assert (added.alternatives, added.created_by, added.is_builtin) == (
        ["Сейчас", "В данный момент"], supervisor, False)
    assert AuditEntry.objects.filter(action="assistant.rule_created").exists()

    response = client.post(reverse("assistant:rule_edit", args=[added.pk]), {
        "language": "ru", "phrase": "Увы", "alternatives": "Сейчас", "category": "other",
        "enabled": "on"})
    assert response.status_code == 302
    added.refresh_from_db()
    assert (added.alternatives, added.category) == (["Сейчас"], "other")

    client.post(reverse("assistant:rule_toggle", args=[added.pk]))
    added.refresh_from_db()
    assert added.enabled is False
    client.post(reverse("assistant:rule_toggle", args=[added.pk]))
    added.refresh_from_db()
    assert added.enabled is True


def test_a_duplicate_is_refused_with_a_message(builtin_rules, supervisor):
    response = client_of(supervisor).post(reverse("assistant:rule_create"), {
        "language": "ru", "phrase": "к сожалению", "alternatives": "Сейчас",
        "category": "negative"})
    assert response.status_code == 400
    assert "This language already has a rule for this phrase." in response.content.decode()
    assert PhraseRule.objects.filter(language="ru", key=rule("ru", "К сожалению").key).count() == 1


def test_admin_site_edits_rules_with_the_same_validation(builtin_rules, admin_user):
    client = client_of(admin_user)
    url = reverse("admin:assistant_phraserule_add")
    response = client.post(url, {"language": "en", "phrase": "Unfortunately",
                                 "alternatives": "now", "category": "negative",
                                 "explanation": "", "enabled": "on"})
    assert response.status_code == 200
    assert "This language already has a rule for this phrase." in response.content.decode()
    response = client.post(url, {"language": "en", "phrase": "sadly",
                                 "alternatives": "right now", "category": "negative",
                                 "explanation": "", "enabled": "on"})
    assert response.status_code == 302
    sadly = PhraseRule.objects.get(phrase="sadly")
    assert sadly.key == "sad"
    assert sadly.created_by == admin_user


# --- The report ---------------------------------------------------------------------

def _reply(ticket, agent, text):
    return services.post_reply(ticket, actor=agent, body=Body(text=text))


def test_report_counts_per_agent_and_overall(builtin_rules, agent, supervisor, customer, team):
    other = UserFactory(username="dora", first_name="Dora", last_name="Lee", teams=[team])
    calm = make_ticket(requester=customer, team=team, text="Hello, where is my parcel?")
    angry = make_ticket(requester=customer, team=team,
                        text="This is unacceptable! Refund now, worst service ever!!")
    unfortunately = rule("en", "unfortunately")
    assistant.accept_suggestion(calm, agent=agent, rule_id=unfortunately.pk,
                                phrase="Unfortunately", alternative="At the moment")
    _reply(calm, agent, "At the moment the parcel is delayed. Maybe tomorrow.")  # 1 left in
    _reply(calm, agent, "It has arrived today.")
    _reply(angry, other, "I understand and I'm sorry. I have refunded it because it was late. "
                         "Thank you for telling us.")
    _reply(angry, other, "Unfortunately I don't know.")  # 2 left in, LATTE incomplete
    old = _reply(calm, other, "Unfortunately, no.")
    ReplyCheck.objects.filter(message=old).update(
        created_at=timezone.now() - timedelta(days=10))

    response = client_of(supervisor).get(reverse("assistant:report"), {"days": "7"})
    report = response.context["report"]
    assert report.days == 7
    overall = report.overall
    assert (overall.checked, overall.with_phrases, overall.shown, overall.accepted,
            overall.upset, overall.latte_complete) == (4, 2, 4, 1, 2, 1)
    assert overall.acceptance_rate == 0.25
    rows = {row.label: row for row in report.agents}
    anna = rows[str(agent.get_full_name() or agent.username)]
    dora = rows["Dora Lee"]
    assert (anna.checked, anna.with_phrases, anna.shown, anna.accepted, anna.upset) == (
        2, 1, 2, 1, 0)
    assert (dora.checked, dora.with_phrases, dora.shown, dora.accepted, dora.upset,
            dora.latte_complete) == (2, 1, 2, 0, 2, 1)
    phrases = {p.phrase: (p.replaced, p.left_in) for p in report.phrases}
    assert phrases["unfortunately"] == (1, 1)
    assert phrases["maybe"] == (0, 1)
    html = response.content.decode()
    assert "Dora Lee" in html
    assert "25%" in html

    month = client_of(supervisor).get(reverse("assistant:report"), {"days": "30"})
    assert month.context["report"].overall.checked == 5
    assert client_of(supervisor).get(reverse("assistant:report"), {"days": "5"}).context[
        "report"].days == 30
