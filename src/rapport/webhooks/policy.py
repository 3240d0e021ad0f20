"""What an attempt's answer means: delivered, retry when, or give up; and the breaker.

Retries back off exponentially with full jitter: the n-th retry waits a random time
between 0 and min(MAX_DELAY, BASE_DELAY * FACTOR**(n-1)). With 60 s, ×3 and a 6 h cap
the ceilings are 1, 3, 9, 27, 81, 243 min, then 6 h: MAX_ATTEMPTS = 10 attempts span
up to a day (about half that on average). A receiver's Retry-After (429/503) is obeyed
instead, capped at MAX_DELAY, and holds the whole endpoint: nothing is sent before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

from rapport.webhooks.client import Response
from rapport.webhooks.models import AttemptOutcome

BASE_DELAY = timedelta(seconds=60)
FACTOR = 3
MAX_DELAY = timedelta(hours=6)
MAX_ATTEMPTS = 10
# A delivery still pending this long after its event (the endpoint was off, or its
# circuit kept opening) is dead: a receiver wants no week-old "ticket.status".
MAX_AGE = timedelta(days=3)

BREAKER_THRESHOLD = 5  # consecutive failures that open the circuit
BREAKER_COOLDOWN = timedelta(minutes=5)  # doubled at each re-opening …
BREAKER_MAX_COOLDOWN = timedelta(hours=1)  # … up to this

# 4xx that mean "not now" rather than "never".
RETRYABLE_CLIENT_ERRORS = frozenset({408, 409, 425, 429})
OBEYS_RETRY_AFTER = frozenset({429, 503})


def backoff_ceiling(retry: int) -> timedelta:
    """The longest wait before the `retry`-th retry (1 = the one after the first attempt)."""
    return min(MAX_DELAY, BASE_DELAY * FACTOR ** max(retry - 1, 0))


def retry_delay(retry: int, rand: float) -> timedelta:
    """Full jitter: `rand` in [0, 1) picks the wait between nothing and the ceiling."""
    return backoff_ceiling(retry) * rand


def parse_retry_after(value: str | None, now: datetime) -> timedelta | None:
    """Retry-After as delay-seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        delay = timedelta(seconds=int(value))
    else:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            return None
        delay = when - now
    return max(timedelta(0), min(delay, MAX_DELAY))


def breaker_cooldown(trips: int) -> timedelta:
    """How long the circuit stays open the (trips+1)-th time in a row it opens."""
    return min(BREAKER_MAX_COOLDOWN, BREAKER_COOLDOWN * 2 ** min(trips, 16))


@dataclass(frozen=True)
class Verdict:
    outcome: AttemptOutcome
    next_attempt_at: datetime | None = None
    hold_until: datetime | None = None  # the receiver asked the whole endpoint to wait
    endpoint_failed: bool = False  # counts towards opening the circuit
    endpoint_answered: bool = False  # closes the circuit: the receiver is up


def _is_retryable(response: Response) -> bool:
    status = response.status
    if status is None:  # no answer: connection refused or reset, timeout, DNS
        return not response.refused
    if 200 <= status < 300 and not response.error:
        return False
    return status >= 500 or status in RETRYABLE_CLIENT_ERRORS


def judge(response: Response, *, attempt: int, now: datetime, rand: float) -> Verdict:
    """The verdict on attempt number `attempt` (1-based) that got `response`."""
    status = response.status
    if status is not None and 200 <= status < 300 and not response.error:
        return Verdict(AttemptOutcome.DELIVERED, endpoint_answered=True)
    if not _is_retryable(response):
        return Verdict(AttemptOutcome.FAILED, endpoint_answered=status is not None)
    wait = None
    if status in OBEYS_RETRY_AFTER:
        wait = parse_retry_after(response.headers.get("retry-after"), now)
    hold = now + wait if wait is not None else None
    if attempt >= MAX_ATTEMPTS:
        return Verdict(AttemptOutcome.FAILED, hold_until=hold, endpoint_failed=hold is None)
    retry_at = hold or now + retry_delay(attempt, rand)
    return Verdict(AttemptOutcome.RETRY, retry_at, hold, endpoint_failed=hold is None)
