"""Daphne's ``send`` never waits, so the socket's writer waits for Twisted's transport instead.

A fast, in-process check of ``realtime.consumers._with_backpressure``; the slow scenario e in
``test_faults.py`` shows the effect on a real server (before the fix, one client that stopped
reading grew Daphne's memory by ~700 MiB in 20 s and was never dropped).
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any

from realtime.consumers import _with_backpressure


class FakeTransport:
    def __init__(self) -> None:
        self.producer: Any = object()  # Twisted's HTTP channel that the socket was upgraded from

    def unregisterProducer(self) -> None:
        self.producer = None

    def registerProducer(self, producer: Any, streaming: bool) -> None:
        if self.producer is not None:
            raise RuntimeError("a producer is registered")  # as Twisted does
        assert streaming
        self.producer = producer


class FakeProtocol:
    def __init__(self) -> None:
        self.transport = FakeTransport()


async def test_frames_wait_while_the_transport_is_paused() -> None:
    protocol = FakeProtocol()
    sent: list[dict[str, Any]] = []

    async def handle_reply(proto: Any, message: dict[str, Any]) -> None:
        sent.append(message)

    class SessionWrapper:  # what channels.sessions puts around Daphne's send
        def __init__(self, send: Any) -> None:
            self.real_send = send

        async def send(self, message: dict[str, Any]) -> None:
            await self.real_send(message)

    closing = {"now": False}
    wrapped = SessionWrapper(functools.partial(handle_reply, protocol)).send
    send = _with_backpressure(wrapped, lambda: closing["now"])
    producer = protocol.transport.producer
    assert producer is not None, "no producer registered with Daphne's transport"

    await send({"type": "websocket.send", "text": "1"})
    producer.pauseProducing()  # the client stopped reading: Twisted's buffer is full
    waiting = asyncio.ensure_future(send({"type": "websocket.send", "text": "2"}))
    await asyncio.sleep(0.05)
    assert not waiting.done() and [m["text"] for m in sent] == ["1"]
    producer.resumeProducing()
    await asyncio.wait_for(waiting, 1)
    assert [m["text"] for m in sent] == ["1", "2"]

    # Paused and then closed (4408): the frame is dropped, the close goes out at once.
    producer.pauseProducing()
    waiting = asyncio.ensure_future(send({"type": "websocket.send", "text": "3"}))
    closing["now"] = True
    await asyncio.wait_for(waiting, 1)
    await asyncio.wait_for(send({"type": "websocket.close", "code": 4408}), 1)
    assert [m.get("text", m.get("code")) for m in sent] == ["1", "2", 4408]


async def test_other_servers_send_is_left_alone() -> None:
    async def send(message: dict[str, Any]) -> None:
        return None

    assert _with_backpressure(send, lambda: False) is send
