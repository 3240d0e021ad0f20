"""Reads of automation, scoped to who asks."""

from django.db.models import Q, QuerySet

from rapport.accounts.models import User
from rapport.automation.models import Macro
from rapport.tickets.queries import team_ids


def macros_for(user: User) -> QuerySet[Macro]:
    """The active macros this agent may apply: everyone's and their teams' (all, for
    supervisors and admins, who work on every team's tickets)."""
    macros = Macro.objects.filter(active=True)
    if user.sees_all_tickets:
        return macros
    return macros.filter(Q(team__isnull=True) | Q(team_id__in=team_ids(user)))
