"""Side effects that leave the process only after the surrounding transaction commits.

A rolled-back change tells nobody anything: emails, realtime events and jobs are all
registered here with ``transaction.on_commit``.
"""

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.db import transaction

from rapport.core.realtime import relay_event, relay_wanted

logger = logging.getLogger(__name__)
_suppressed: ContextVar[bool] = ContextVar("rapport_effects_suppressed", default=False)


@contextmanager
def effects_suppressed() -> Iterator[None]:
    """Record history without telling anyone: no jobs, no realtime events (imports, demo)."""
    token = _suppressed.set(True)
    try:
        yield
    finally:
        _suppressed.reset(token)


def effects_are_suppressed() -> bool:
    """True while history is being replayed (demo import): nothing may notify anyone."""
    return _suppressed.get()


def enqueue_on_commit(task: Any, *args: Any, **kwargs: Any) -> None:
    """Enqueue a django-tasks job once the current transaction commits."""
    if _suppressed.get():
        return
    transaction.on_commit(lambda: task.enqueue(*args, **kwargs), robust=False)


def publish_on_commit(groups: list[str], event: dict[str, Any]) -> None:
    """Send a realtime event to channel-layer groups after commit; never fails the caller."""
    if _suppressed.get():
        return

    async def send_all() -> None:
        layer = get_channel_layer()
        if layer is None:
            return
        for group in groups:
            try:
                await layer.group_send(group, event)
            except Exception:  # realtime is best effort; the data is already committed
                logger.exception("realtime publish to %s failed", group)

    def send() -> None:
        layer = get_channel_layer()
        if isinstance(layer, InMemoryChannelLayer) and relay_wanted():
            relay_event(groups, event)  # for the web server when this is the worker
        if _nobody_listens(layer):
            return
        # One event-loop hop for all groups: async_to_sync costs a thread switch per call.
        async_to_sync(send_all)()

    transaction.on_commit(send, robust=True)


def _nobody_listens(layer: Any) -> bool:
    """An in-memory layer with no groups has no socket in this process to reach."""
    return isinstance(layer, InMemoryChannelLayer) and not layer.groups


def call_on_commit(fn: Callable[[], None]) -> None:
    transaction.on_commit(fn)
