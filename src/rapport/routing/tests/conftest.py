import pytest
from django.core.cache import cache

from rapport.accounts.availability import mark_available
from rapport.accounts.models import Membership
from rapport.accounts.tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _clean_availability():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_agent(team):
    """An agent of `team` (or the given teams), online unless told otherwise."""

    def make(*, teams=None, online=True, languages=None, **kwargs):
        agent = UserFactory(languages=languages or [], **kwargs)
        for t in teams or [team]:
            Membership.objects.create(user=agent, team=t)
        if online:
            mark_available(agent.pk)
        return agent

    return make
