"""Group names for realtime fan-out; the channel layer carries them across processes."""

from typing import Any

ALL_TICKETS_GROUP = "tickets.all"


def agent_group(user_id: int) -> str:
    return f"agent.{user_id}"


def team_group(team_id: int) -> str:
    return f"team.{team_id}"


def ticket_groups(ticket: Any) -> list[str]:
    groups = [ALL_TICKETS_GROUP]
    if ticket.team_id:
        groups.append(team_group(ticket.team_id))
    if ticket.assignee_id:
        groups.append(agent_group(ticket.assignee_id))
    return groups
