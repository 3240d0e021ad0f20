"""Demo accounts have a published password: they sign in only in demo mode."""

import pytest
from django.urls import reverse

from rapport.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


def _login(client, user):
    return client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})


def test_demo_account_signs_in_in_demo_mode(client, settings):
    settings.DEMO_MODE = True
    user = UserFactory(is_demo=True)
    response = _login(client, user)
    assert response.status_code == 302
    assert client.get(reverse("tickets:inbox")).status_code == 200


def test_demo_account_is_refused_outside_demo_mode(client, settings):
    settings.DEMO_MODE = False
    user = UserFactory(is_demo=True)
    response = _login(client, user)
    assert response.status_code == 200  # the form again, with an error
    assert "_auth_user_id" not in client.session


def test_existing_demo_session_ends_when_demo_mode_is_off(client, settings):
    settings.DEMO_MODE = True
    user = UserFactory(is_demo=True)
    client.force_login(user)
    assert client.get(reverse("tickets:inbox")).status_code == 200
    settings.DEMO_MODE = False
    response = client.get(reverse("tickets:inbox"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_ordinary_account_is_unaffected(client, settings):
    settings.DEMO_MODE = False
    user = UserFactory()
    assert _login(client, user).status_code == 302
