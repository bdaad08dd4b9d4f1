"""The forum's errors are Kring's one hierarchy (``core.errors``); these names stay for callers.

``ForumError`` is ``KringError``: every transport already maps it once (``core.http`` for
pages, the realtime connection for frames).
"""

from __future__ import annotations

from core.errors import Conflict, Forbidden, Invalid, KringError, NotFound, RateLimited, Unavailable

ForumError = KringError

# The code the forum's slow mode answers with (the WebSocket error frame has carried it since the start).
SLOW_MODE = "slow_mode"

__all__ = [
    "SLOW_MODE",
    "Conflict",
    "Forbidden",
    "ForumError",
    "Invalid",
    "KringError",
    "NotFound",
    "RateLimited",
    "Unavailable",
]
