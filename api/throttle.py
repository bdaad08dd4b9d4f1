"""Rate limits per token (and per member for a session): Kring's one token bucket, ``core.ratelimit``.

Each process keeps a bucket per caller (a burst of ``API_RATE_BURST``, then
``API_RATE_PER_SECOND``), the newest 10,000 callers at most; with N processes a caller gets up to
N times the rate, as on the WebSocket. A refusal is ``RateLimited`` (429 problem+json with
``Retry-After``).
"""

from __future__ import annotations

from collections import OrderedDict

from django.utils.translation import gettext as _

from core.errors import RateLimited
from core.limits import API_RATE_BURST, API_RATE_PER_SECOND
from core.ratelimit import TokenBucket

MAX_CALLERS = 10_000
_buckets: OrderedDict[str, TokenBucket] = OrderedDict()


def check(key: str) -> None:
    bucket = _buckets.get(key)
    if bucket is None:
        bucket = _buckets[key] = TokenBucket(API_RATE_BURST, API_RATE_PER_SECOND)
        if len(_buckets) > MAX_CALLERS:
            _buckets.popitem(last=False)
    else:
        _buckets.move_to_end(key)
    wait = bucket.take()
    if wait:
        raise RateLimited(_("Too many requests with this token: wait a moment."), wait_seconds=wait)


def reset() -> None:
    """Forget every bucket (tests)."""
    _buckets.clear()
