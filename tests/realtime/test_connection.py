"""The connection's output side on its own: no event loop errors when a client vanishes."""

from __future__ import annotations

import asyncio
import time
from types import SimpleNamespace
from typing import Any

from realtime import protocol
from realtime.connection import Connection


async def test_a_send_to_a_vanished_client_leaves_no_failed_task(caplog: Any) -> None:
    """Regression: the writer task died with Disconnected ('Task exception was never retrieved')."""

    async def send(message: dict[str, Any]) -> None:
        raise RuntimeError("Attempt to send on a closed protocol")

    errors: list[dict[str, Any]] = []
    loop = asyncio.get_running_loop()
    loop.set_exception_handler(lambda _loop, context: errors.append(context))
    user = SimpleNamespace(pk=7, display_name="Mila")
    conn = Connection(hub=None, send=send, user=user, session_key=None)  # type: ignore[arg-type]
    conn.enqueue('{"type":"pong"}')
    writer = conn._writer
    assert writer is not None
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert writer.done() and writer.exception() is None
    assert conn._writer is None and conn.queue is None
    conn.enqueue('{"type":"pong"}')  # a later frame tries again, and fails as quietly
    await asyncio.sleep(0.01)
    assert errors == []


async def test_an_idle_connection_holds_no_queue_or_writer() -> None:
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    conn = Connection(hub=None, send=send, user=SimpleNamespace(pk=1, display_name="A"), session_key=None)  # type: ignore[arg-type]
    conn.send(protocol.Pong())
    await asyncio.sleep(0.01)
    assert sent == [{"type": "websocket.send", "text": '{"type":"pong"}'}]
    writer = conn._writer
    assert writer is not None  # a busy socket keeps its writer for a while
    conn.send(protocol.Pong())
    await asyncio.sleep(0.01)
    assert len(sent) == 2 and conn._writer is writer
    conn.retire_writer(time.monotonic() + 1)  # the hub's sweep after a quiet spell
    await asyncio.sleep(0.01)
    assert writer.done() and not writer.cancelled()
    assert conn.queue is None and conn._writer is None
    conn.send(protocol.Pong())  # and a new one starts when output comes again
    await asyncio.sleep(0.01)
    assert len(sent) == 3
    assert not hasattr(conn, "__dict__")
