"""Reads of agents and teams, for pickers and filters in the agent UI."""

from django.db.models import QuerySet

from rapport.accounts.models import Role, Team, User


def active_agents() -> QuerySet[User]:
    """Everyone a ticket can be assigned to: active users with a role."""
    return User.objects.filter(is_active=True, role__in=Role.values).order_by(
        "first_name", "last_name", "username"
    )


def all_teams() -> QuerySet[Team]:
    return Team.objects.order_by("name")
