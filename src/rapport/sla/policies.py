"""Which SLA policy a ticket gets, and the targets that policy sets."""

from __future__ import annotations

from dataclasses import dataclass

from rapport.sla.models import SlaPolicy, Target
from rapport.tickets.conditions import Facts, matches
from rapport.tickets.models import Message, Ticket

DEFAULT_WARNING_SHARE = 0.75


@dataclass(frozen=True)
class Goal:
    """One target of a policy: within how many minutes, counted how."""

    minutes: int
    business: bool


def choose_policy(ticket: Ticket, message: Message | None = None) -> SlaPolicy | None:
    """The first active policy, in order, whose conditions the ticket meets."""
    facts = Facts(ticket=ticket, message=message)
    for policy in SlaPolicy.objects.filter(active=True).order_by("position", "id"):
        if matches(policy.conditions, facts):
            return policy
    return None


def goals(policy: SlaPolicy | None) -> dict[str, Goal]:
    if policy is None:
        return {}
    found = {
        Target.FIRST_RESPONSE: (policy.first_response_minutes, policy.first_response_business),
        Target.NEXT_RESPONSE: (policy.next_response_minutes, policy.next_response_business),
        Target.RESOLUTION: (policy.resolution_minutes, policy.resolution_business),
    }
    return {str(target): Goal(minutes, business)
            for target, (minutes, business) in found.items() if minutes}


def warning_share(policy: SlaPolicy | None) -> float:
    return policy.warning_share if policy is not None else DEFAULT_WARNING_SHARE
