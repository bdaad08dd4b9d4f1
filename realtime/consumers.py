"""The ``/ws/`` endpoint: a plain ASGI app, one socket per browser tab.

Not a Channels consumer on purpose: a consumer gets its own channel on the layer per
socket, which is the per-socket cost the hub avoids. Channels still provides the Origin
check and session authentication around it (``config/asgi.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from realtime import connection, protocol
from realtime.connection import Connection
from realtime.hub import get_hub

logger = logging.getLogger(__name__)


class _Writable:
    """A Twisted push producer: Daphne's transport pauses it when its write buffer is full.

    Daphne's ``send`` never waits: it hands each frame to Twisted, which buffers without
    limit. A client that stops reading would make the server's memory grow by every frame
    of its rooms (measured: 700 MiB in 20 s). With this producer registered, the socket's
    writer waits while the transport's buffer is over Twisted's 64 KiB, so frames back up
    in the connection's bounded queue instead, and the client is dropped with 4408.
    The event exists only while paused: most sockets never are, and each holds one.
    """

    __slots__ = ("paused",)

    def __init__(self) -> None:
        self.paused: asyncio.Event | None = None

    def pauseProducing(self) -> None:  # Twisted's IPushProducer
        if self.paused is None:
            self.paused = asyncio.Event()

    def resumeProducing(self) -> None:
        paused, self.paused = self.paused, None
        if paused is not None:
            paused.set()

    def stopProducing(self) -> None:
        self.resumeProducing()


def _daphne_protocol(send: Any) -> Any:
    """Daphne's ``send`` is ``partial(server.handle_reply, protocol)``, under Channels' session wrapper."""
    for _ in range(4):
        if isinstance(send, functools.partial):
            return send.args[0] if send.args else None
        send = getattr(getattr(send, "__self__", None), "real_send", None)  # channels.sessions' wrapper
    return None


def _with_backpressure(send: Any, closing: Callable[[], bool]) -> Callable[[dict[str, Any]], Awaitable[None]]:
    """Wrap Daphne's ``send`` so frames wait for the transport; other servers' ``send`` already waits."""
    transport = getattr(_daphne_protocol(send), "transport", None)
    if transport is None or not hasattr(transport, "registerProducer"):
        return send
    writable = _Writable()
    # The TCP transport's producer is still the HTTP channel the socket was upgraded from;
    # it only pauses reading from the client when the buffer fills. Take its place.
    with contextlib.suppress(Exception):
        transport.unregisterProducer()
    try:
        transport.registerProducer(writable, True)
    except RuntimeError:  # the connection is already gone
        return send

    async def send_when_writable(message: dict[str, Any]) -> None:
        if message["type"] == "websocket.send":
            while (paused := writable.paused) is not None:
                if closing():
                    return  # the queue was dropped (4408): the close frame follows
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(paused.wait(), timeout=0.25)
        await send(message)

    return send_when_writable


class RealtimeSocket:
    """The socket app; ``realtime.auth.SessionUserMiddleware`` puts the user in the scope."""

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        message = await receive()
        if message["type"] != "websocket.connect":
            return
        user = scope.get("user")
        if user is None:
            # Accept, then close: a close before accept is an HTTP 403 on the wire, which a
            # browser cannot tell from a cross-origin refusal; 4401 says "log in".
            await send({"type": "websocket.accept"})
            await send({"type": "websocket.close", "code": protocol.CLOSE_UNAUTHENTICATED})
            return
        hub = await get_hub()
        await send({"type": "websocket.accept"})
        conn: Connection | None = None
        gated = _with_backpressure(send, lambda: conn is not None and conn.close_code is not None)
        conn = Connection(hub=hub, send=gated, user=user, session_key=scope.get("session_key"))
        conn.main = asyncio.current_task()
        # Sent directly, before the hub knows the socket: nothing else can be queued yet,
        # and a socket that then stays idle never needs a writer task.
        hello = protocol.Hello(
            version=protocol.VERSION,
            user=protocol.Person(id=user.pk, name=user.display_name),
            limits=protocol.Limits(
                max_frame_bytes=protocol.MAX_FRAME_BYTES,
                max_body_chars=protocol.MAX_BODY,
                max_subscriptions=protocol.MAX_SUBSCRIPTIONS,
                # Read at connect time from the module: the limits the connection enforces.
                write_burst=int(connection.WRITE_BUCKET[0]),
                writes_per_second=int(connection.WRITE_BUCKET[1]),
                read_burst=int(connection.READ_BUCKET[0]),
                reads_per_second=int(connection.READ_BUCKET[1]),
                typing_interval_seconds=connection.TYPING_INTERVAL,
                idle_seconds=int(connection.idle_seconds()),
                max_violations_per_minute=connection.MAX_VIOLATIONS_PER_MINUTE,
            ),
        ).encode()
        await gated({"type": "websocket.send", "text": hello})
        await hub.attach(conn)
        try:
            while conn.close_code is None:
                # No task or future per idle socket: when Kring closes the socket (logout,
                # too slow, idle, policy) the connection cancels this wait itself.
                conn.receiving = True
                try:
                    message = await receive()
                except asyncio.CancelledError:
                    task = asyncio.current_task()
                    if conn.close_code is None or task is None:
                        raise
                    task.uncancel()
                    break
                finally:
                    conn.receiving = False
                if message["type"] == "websocket.disconnect":
                    break
                if message["type"] == "websocket.receive":
                    try:
                        await conn.handle(message.get("text"), message.get("bytes"))
                    except Exception:
                        logger.exception("unexpected error on a frame")
                        conn.error("internal", "Something went wrong on our side; nothing was lost. Try again.")
        finally:
            if conn.close_code == protocol.CLOSE_TOO_SLOW:
                logger.warning("closed a socket of user %s with 4408: it did not read its frames", user.pk)
            rooms = list(conn.subscriptions)
            await hub.detach(conn)
            for room_id in rooms:
                hub.presence_changed(room_id)
            await conn.finish()
