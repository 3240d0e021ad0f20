import pytest

from rapport.knowledge.tests.factories import make_article


@pytest.fixture
def public_article(db):
    return make_article("Tracking an order", "Open **My orders** and choose *Track*.")


@pytest.fixture
def internal_article(db):
    return make_article("Compensation above the agent limit",
                        "Ask a supervisor to approve anything above €50.", audience="internal")
