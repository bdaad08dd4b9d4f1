"""The ``/ws/`` endpoint: a plain ASGI app, one socket per browser tab.

Not a Channels consumer on purpose: a consumer gets its own channel on the layer per
socket, which is the per-socket cost the hub avoids. Channels still provides the Origin
check and session authentication around it (``config/asgi.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings

from realtime import actions, protocol
from realtime.connection import READ_BUCKET, WRITE_BUCKET, Connection
from realtime.hub import get_hub

logger = logging.getLogger(__name__)


@database_sync_to_async
def _authenticate(scope: dict[str, Any]) -> Any:
    user = scope.get("user")
    if user is None or not user.is_authenticated:
        return None
    return actions.load_user(user.pk)


class RealtimeSocket:
    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        message = await receive()
        if message["type"] != "websocket.connect":
            return
        user = await _authenticate(scope)
        if user is None:
            await send({"type": "websocket.close", "code": protocol.CLOSE_UNAUTHENTICATED})
            return
        hub = await get_hub()
        session = scope.get("session")
        conn = Connection(hub=hub, send=send, user=user, session_key=getattr(session, "session_key", None))
        await send({"type": "websocket.accept"})
        await hub.attach(conn)
        writer = asyncio.create_task(conn.writer())
        conn.send_frame(
            {
                "type": "hello",
                "version": protocol.VERSION,
                "user": {"id": user.pk, "name": user.display_name},
                "limits": {
                    "max_frame_bytes": protocol.MAX_FRAME_BYTES,
                    "max_subscriptions": protocol.MAX_SUBSCRIPTIONS,
                    "write_burst": WRITE_BUCKET[0],
                    "writes_per_second": WRITE_BUCKET[1],
                    "read_burst": READ_BUCKET[0],
                    "idle_seconds": int(settings.KRING_WS_IDLE_SECONDS),
                },
            }
        )
        try:
            while conn.close_code is None:
                receiver = asyncio.ensure_future(receive())
                done, _ = await asyncio.wait({receiver, writer}, return_when=asyncio.FIRST_COMPLETED)
                if writer in done:  # we closed the socket (logout, too slow, idle, policy)
                    receiver.cancel()
                    break
                message = receiver.result()
                if message["type"] == "websocket.disconnect":
                    break
                if message["type"] == "websocket.receive":
                    try:
                        await conn.handle(message.get("text"), message.get("bytes"))
                    except Exception:
                        logger.exception("unexpected error on a frame")
                        conn.error("internal", "Something went wrong on our side; nothing was lost. Try again.")
        finally:
            rooms = list(conn.subscriptions)
            await hub.detach(conn)
            for room_id in rooms:
                hub.presence_changed(room_id)
            if not writer.done():
                if conn.close_code is not None:
                    with contextlib.suppress(Exception):
                        await asyncio.wait_for(writer, timeout=1)
                writer.cancel()
