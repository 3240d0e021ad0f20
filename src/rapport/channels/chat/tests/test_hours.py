"""Opening hours in the site's time zone."""

from datetime import UTC, datetime

import pytest

from rapport.channels.chat.hours import is_open, next_opening
from rapport.channels.chat.models import ChatSite

pytestmark = pytest.mark.django_db

WEEKDAYS = {day: [["09:00", "18:00"]] for day in ("mon", "tue", "wed", "thu", "fri")}


@pytest.fixture
def site():
    return ChatSite.objects.create(name="Shop", time_zone="Europe/Belgrade",
                                   opening_hours=WEEKDAYS)


def test_always_open_without_hours():
    site = ChatSite(name="Shop")
    assert is_open(site, datetime(2026, 11, 22, 3, 0, tzinfo=UTC))
    assert next_opening(site, datetime(2026, 11, 22, 3, 0, tzinfo=UTC)) is None


def test_open_in_the_sites_time_zone(site):
    # Monday 23 Nov 2026, 08:30 UTC is 09:30 in Belgrade (UTC+1).
    assert is_open(site, datetime(2026, 11, 23, 8, 30, tzinfo=UTC))
    assert not is_open(site, datetime(2026, 11, 23, 7, 30, tzinfo=UTC))  # 08:30 there
    assert not is_open(site, datetime(2026, 11, 23, 17, 0, tzinfo=UTC))  # 18:00 there


def test_next_opening_skips_the_weekend(site):
    saturday_noon = datetime(2026, 11, 28, 11, 0, tzinfo=UTC)
    opening = next_opening(site, saturday_noon)
    assert opening is not None
    assert opening.astimezone(UTC) == datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def test_malformed_ranges_never_open_the_chat(site):
    site.opening_hours = {"mon": [["nine", "five"]], "tue": "all day"}
    assert not is_open(site, datetime(2026, 11, 23, 10, 0, tzinfo=UTC))
