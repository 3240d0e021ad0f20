"""Who may read and who may change the knowledge base.

Every agent reads published articles, internal and public. Supervisors and admins write:
they are the ones who answer for what agents and customers are told.
"""

from __future__ import annotations

from typing import Any

from rapport.accounts.decorators import is_agent
from rapport.accounts.models import Role

EDITOR_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})


def can_read_internal(actor: Any) -> bool:
    return is_agent(actor)


def can_edit(actor: Any) -> bool:
    return is_agent(actor) and actor.role in EDITOR_ROLES
