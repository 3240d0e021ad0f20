"""Admin forms refuse what the clocks could not use, saying what is wrong."""

import pytest
from django.urls import reverse
from django.utils import timezone

from rapport.sla.forms import BusinessCalendarForm, SlaPolicyForm
from rapport.sla.models import BusinessCalendar, Reassign, SlaPolicy

pytestmark = pytest.mark.django_db


def calendar_form(**changes):
    data = {"name": "Office", "time_zone": "Europe/Berlin",
            "weekly_hours": '{"mon": [["14:00", "18:00"], ["09:00", "13:00"]]}',
            "holiday_country": "de", "holiday_subdivision": "by",
            "closed_dates": '["2025-12-24"]', "is_default": "on"}
    data.update(changes)
    return BusinessCalendarForm(data=data)


def test_a_good_calendar_is_normalised():
    form = calendar_form()
    assert form.is_valid(), form.errors
    calendar = form.save()
    assert calendar.weekly_hours == {"mon": [["09:00", "13:00"], ["14:00", "18:00"]]}
    assert (calendar.holiday_country, calendar.holiday_subdivision) == ("DE", "BY")


@pytest.mark.parametrize(("field", "value", "message"), [
    ("time_zone", "Europe/Atlantis", "Unknown time zone"),
    ("weekly_hours", '{"mon": [["18:00", "09:00"]]}', "mon"),
    ("weekly_hours", '{"mon": [["09:00", "13:00"], ["12:00", "18:00"]]}', "overlap"),
    ("weekly_hours", '{"someday": []}', "Unknown day"),
    ("weekly_hours", '{"mon": []}', "at least one interval"),
    ("holiday_country", "XX", "No public holidays are known"),
    ("holiday_subdivision", "ZZ", "has no region"),
    ("closed_dates", '["24.12.2025"]', "not a date"),
])
def test_bad_calendars_are_refused_with_a_reason(field, value, message):
    form = calendar_form(**{field: value})
    assert not form.is_valid()
    assert message in str(form.errors[field])


def policy_form(**changes):
    data = {"name": "Urgent", "position": "1", "active": "on",
            "conditions": '{"all": [{"field": "priority", "op": "is", "value": 4}]}',
            "first_response_minutes": "60", "first_response_business": "on",
            "warning_share": "0.75", "warn_reassign": "", "breach_reassign": "queue"}
    data.update(changes)
    return SlaPolicyForm(data=data)


def test_a_good_policy_is_saved():
    form = policy_form()
    assert form.is_valid(), form.errors
    assert form.save().breach_reassign == Reassign.QUEUE


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"conditions": '{"all": [{"field": "mood", "op": "is", "value": 1}]}'}, "conditions",
     "unknown field"),
    ({"conditions": '{"all": [{"field": "priority", "op": "is", "value": 9}]}'}, "conditions",
     "unknown value"),
    ({"first_response_minutes": ""}, "__all__", "at least one target"),
    ({"warning_share": "1.5"}, "warning_share", "less than or equal"),
    ({"breach_reassign": "team"}, "breach_team", "Choose the team"),
])
def test_bad_policies_are_refused_with_a_reason(changes, field, message):
    form = policy_form(**changes)
    assert not form.is_valid()
    assert message in str(form.errors[field])


def test_a_team_without_the_team_choice_is_refused(team):
    form = policy_form(warn_team=str(team.pk))
    assert not form.is_valid()
    assert "To the queue of another team" in str(form.errors["warn_reassign"])


def test_the_admin_pages_open_and_saving_recomputes(client, admin_user, team,
                                                    django_capture_on_commit_callbacks):
    client.force_login(admin_user)
    for name in ("sla_businesscalendar", "sla_slapolicy"):
        assert client.get(reverse(f"admin:{name}_add")).status_code == 200
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200
    data = {"name": "Belgrade", "time_zone": "Europe/Belgrade",
            "weekly_hours": '{"mon": [["09:00", "17:00"]]}', "holiday_country": "RS",
            "holiday_subdivision": "", "closed_dates": "[]",
            "team_links-TOTAL_FORMS": "1", "team_links-INITIAL_FORMS": "0",
            "team_links-0-team": str(team.pk)}
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("admin:sla_businesscalendar_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    calendar = BusinessCalendar.objects.get(name="Belgrade")
    assert calendar.team_links.get().team == team
    assert callbacks, "open tickets are recomputed after commit"
    page = client.get(reverse("admin:sla_businesscalendar_change", args=[calendar.pk]))
    assert f"{timezone.now().year}-01-01" in page.content.decode()  # the year's holidays
    assert SlaPolicy.objects.count() == 0
