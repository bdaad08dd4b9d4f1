"""Per-address limit on WebSocket connection attempts: an ASGI middleware around the socket stack.

Each client address has a token bucket in this process (``BURST`` attempts at once, then
``RATE`` per second; settings ``KRING_WS_CONNECT_BURST`` and ``KRING_WS_CONNECT_RATE``).
The defaults are generous on purpose: a school or a company puts hundreds of members
behind one NAT address, and after a server restart they all reconnect within seconds
(clients back off with jitter). The limit is against one machine hammering the handshake.
An attempt over the limit is accepted and closed at once with code
``4429`` (a close before accept would be an HTTP 403, which a browser cannot tell from a
cross-origin refusal), before the session is loaded or the database is touched. HTTP is
not affected. Behind a proxy run Daphne with ``--proxy-headers`` so the address is the
client's, not the proxy's.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import Any

from core.ratelimit import TokenBucket

CLOSE_TOO_MANY_CONNECTIONS = 4429
BURST = 300.0
RATE = 30.0  # attempts per second after the burst
MAX_ADDRESSES = 50_000  # least recently seen addresses are forgotten first


class ConnectionRateLimit:
    def __init__(self, app: Any, *, burst: float | None = None, rate: float | None = None) -> None:
        from django.conf import settings

        self.app = app
        self.burst = float(burst if burst is not None else getattr(settings, "KRING_WS_CONNECT_BURST", BURST))
        self.rate = float(rate if rate is not None else getattr(settings, "KRING_WS_CONNECT_RATE", RATE))
        self.buckets: OrderedDict[str, TokenBucket] = OrderedDict()  # least recently seen first

    def allow(self, address: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        bucket = self.buckets.pop(address, None)
        if bucket is None:
            bucket = TokenBucket(self.burst, self.rate, now)
        self.buckets[address] = bucket
        while len(self.buckets) > MAX_ADDRESSES:
            self.buckets.popitem(last=False)
        return bucket.take(1.0, now) == 0.0

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope.get("type") != "websocket":
            await self.app(scope, receive, send)
            return
        client = scope.get("client") or ("unknown", 0)
        if self.allow(str(client[0])):
            await self.app(scope, receive, send)
            return
        message = await receive()
        if message.get("type") == "websocket.connect":
            await send({"type": "websocket.accept"})
            await send({"type": "websocket.close", "code": CLOSE_TOO_MANY_CONNECTIONS})
