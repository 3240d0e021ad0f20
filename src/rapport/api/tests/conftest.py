"""API test helpers: tokens for the shared role fixtures and clients that send them."""

import pytest
from django.test import Client

from rapport.api.models import Scope
from rapport.api.services import create_token

ALL_SCOPES = tuple(Scope.values)


@pytest.fixture
def token_for(db):
    def make(user, scopes=ALL_SCOPES, **kwargs):
        return create_token(user, "test token", list(scopes), **kwargs)[1]

    return make


@pytest.fixture
def client_for(token_for):
    """A Django test client that sends ``Authorization: Bearer`` for the given agent."""

    def make(user, scopes=ALL_SCOPES):
        return Client(headers={"Authorization": f"Bearer {token_for(user, scopes)}"})

    return make


@pytest.fixture
def agent_api(client_for, agent):
    return client_for(agent)


@pytest.fixture
def other_api(client_for, other_agent):
    return client_for(other_agent)

