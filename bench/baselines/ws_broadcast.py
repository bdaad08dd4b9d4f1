"""Baseline (c): a raw ``websockets`` broadcast server (no ASGI, no Channels).

Each text frame received on a path goes to every connection on that path with
``websockets.broadcast``.

    python -m bench.baselines.ws_broadcast PORT
"""

from __future__ import annotations

import asyncio
import resource
import sys
from typing import Any

from websockets.asyncio.server import broadcast, serve

ROOMS: dict[str, set[Any]] = {}


async def handler(ws: Any) -> None:
    peers = ROOMS.setdefault(ws.request.path, set())
    peers.add(ws)
    try:
        async for message in ws:
            if isinstance(message, str):
                broadcast(peers, message)
    finally:
        peers.discard(ws)


async def main(port: int) -> None:
    async with serve(handler, "127.0.0.1", port, max_queue=None, ping_interval=None) as server:
        await server.serve_forever()


if __name__ == "__main__":
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    asyncio.run(main(int(sys.argv[1])))
