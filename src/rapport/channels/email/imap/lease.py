"""One poller per mailbox at a time, across threads, processes and machines.

The lease is a row-level compare-and-set: a single conditional UPDATE whose row count
says who won. SQLite serialises writers; PostgreSQL re-checks the WHERE clause on the
row version left by a concurrent winner (READ COMMITTED), so the loser matches no row.
It must run outside any transaction so that it commits at once.
"""

from __future__ import annotations

import os
import socket
import uuid
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from rapport.channels.email.models import Mailbox

LEASE_SECONDS = 300


class LeaseLost(Exception):
    """Another poller took the mailbox (ours had expired); stop without writing anything."""


def new_owner() -> str:
    """A name no other poller has, readable in the admin: host, process, random suffix."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def acquire(mailbox_id: int, owner: str, *, seconds: float = LEASE_SECONDS) -> bool:
    now = timezone.now()
    free = Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now) | Q(lease_owner=owner)
    won = Mailbox.objects.filter(free, pk=mailbox_id).update(
        lease_owner=owner, lease_expires_at=now + timedelta(seconds=seconds)
    )
    return won == 1


def renew(mailbox_id: int, owner: str, *, seconds: float = LEASE_SECONDS) -> None:
    """Extend our lease; raises LeaseLost when it is no longer ours."""
    if not Mailbox.objects.filter(pk=mailbox_id, lease_owner=owner).update(
        lease_expires_at=timezone.now() + timedelta(seconds=seconds)
    ):
        raise LeaseLost(mailbox_id)


def release(mailbox_id: int, owner: str, **status: object) -> bool:
    """Give the mailbox back, writing the poll's status in the same statement."""
    return bool(Mailbox.objects.filter(pk=mailbox_id, lease_owner=owner).update(
        lease_owner="", lease_expires_at=None, **status
    ))
