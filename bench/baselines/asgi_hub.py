"""Baseline (b): a Channels-free ASGI hub, the ceiling of the ASGI server it runs on.

Each text frame received on a path is sent to every socket open on that path (the
sender included), in-process, with no channel layer, no persistence and no checks.

    uvicorn bench.baselines.asgi_hub:application
"""

from __future__ import annotations

from typing import Any

ROOMS: dict[str, set[Any]] = {}


async def application(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
    if scope["type"] != "websocket":
        return
    message = await receive()
    if message["type"] != "websocket.connect":
        return
    await send({"type": "websocket.accept"})
    peers = ROOMS.setdefault(scope["path"], set())
    peers.add(send)
    try:
        while True:
            message = await receive()
            if message["type"] == "websocket.disconnect":
                break
            text = message.get("text")
            if text is not None:
                frame = {"type": "websocket.send", "text": text}
                for peer in tuple(peers):
                    try:
                        await peer(frame)
                    except Exception:  # noqa: S112  (a peer that went away)
                        continue
    finally:
        peers.discard(send)
