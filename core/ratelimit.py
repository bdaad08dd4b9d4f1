"""The one token bucket of Kring: a burst of ``capacity``, then ``rate`` tokens per second.

Used per member on the socket (writes, reads: ``realtime.hub``) and per client address on
the handshake (``realtime.limits``). Time is ``time.monotonic()`` unless a caller passes
its own ``now`` (tests, and callers that read the clock once for many buckets).
"""

from __future__ import annotations

import math
import time

# The clock buckets read; a module attribute so a test can hold time still (a slow machine
# otherwise refills a bucket between frames and the test measures the machine, not the rule).
clock = time.monotonic


class TokenBucket:
    __slots__ = ("capacity", "rate", "tokens", "updated")

    def __init__(self, capacity: float, rate: float, now: float | None = None) -> None:
        self.capacity = float(capacity)
        self.rate = float(rate)
        self.tokens = float(capacity)
        self.updated = clock() if now is None else now

    def take(self, cost: float = 1.0, now: float | None = None) -> float:
        """Take ``cost`` tokens; returns 0.0 when allowed, else the seconds to wait (never 0.0)."""
        now = clock() if now is None else now
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now
        if self.tokens >= cost:
            self.tokens -= cost
            return 0.0
        # Round up, never to 0.0: the caller reads 0.0 as "allowed", and a refusal a few
        # milliseconds short of a token used to round to it, a free frame for a flooder.
        return max(0.01, math.ceil((cost - self.tokens) / self.rate * 100) / 100)
