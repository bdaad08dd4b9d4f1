"""The hub notices a channel layer that went away and came back (``realtime.hub`` heartbeat).

Redis's pub/sub layer reconnects by itself and its ``receive`` never fails, so without the
heartbeat the hub never ran its recovery after a Redis restart (scenario c of
``test_faults.py`` lost 576 messages). Here, in a second: a layer whose sends fail, and one
that silently drops them, both lead to ``recover()`` once heartbeats arrive again.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from channels.layers import InMemoryChannelLayer

from realtime import hub as hub_module


async def test_failed_or_silent_heartbeats_lead_to_recovery(monkeypatch: Any) -> None:
    monkeypatch.setattr(hub_module, "HEARTBEAT_SECONDS", 0.02)
    monkeypatch.setattr(hub_module, "HEARTBEAT_SILENCE", 0.15)
    hub = hub_module.Hub()
    layer = hub.layer = InMemoryChannelLayer()
    recoveries: list[float] = []

    async def recover() -> None:
        recoveries.append(asyncio.get_running_loop().time())

    monkeypatch.setattr(hub, "recover", recover)
    await hub.start()
    real_send = layer.send
    try:
        await asyncio.sleep(0.1)
        assert not hub.layer_down and not recoveries

        async def failing(channel: str, message: dict[str, Any]) -> None:
            raise ConnectionError("Redis is gone")

        layer.send = failing  # type: ignore[method-assign]
        await asyncio.sleep(0.1)
        assert hub.layer_down
        layer.send = real_send  # type: ignore[method-assign]
        await asyncio.sleep(0.2)
        assert not hub.layer_down and len(recoveries) == 1

        async def dropping(channel: str, message: dict[str, Any]) -> None:
            return None  # published, but nobody is subscribed any more

        layer.send = dropping  # type: ignore[method-assign]
        await asyncio.sleep(0.4)
        assert hub.layer_down
        layer.send = real_send  # type: ignore[method-assign]
        await asyncio.sleep(0.2)
        assert not hub.layer_down and len(recoveries) == 2
    finally:
        for task in (hub._reader, hub._sweeper, hub._heartbeat):
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
