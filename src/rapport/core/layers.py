"""The embedded mode's channel layer.

Channels' InMemoryChannelLayer sweeps every channel and every group for expired
messages on each `receive`. With a thousand open chat sockets that sweep runs thousands
of times a second over thousands of entries and becomes the server's main cost
(bench/chat_load.py: message round trips grew from tens of milliseconds to seconds).
Here the sweep runs at most once a second; messages still expire (after 60 s by
default), only up to a second later.
"""

import time

from channels.layers import InMemoryChannelLayer

SWEEP_SECONDS = 1.0


class SweepingInMemoryChannelLayer(InMemoryChannelLayer):
    _next_sweep = 0.0

    def _clean_expired(self) -> None:
        now = time.monotonic()
        if now < self._next_sweep:
            return
        self._next_sweep = now + SWEEP_SECONDS
        super()._clean_expired()
