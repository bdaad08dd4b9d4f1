"""Announcing after commit: from a socket's database thread straight to its event loop (the thread is
asgiref's, as channels' database_sync_to_async makes it, without its connection handling)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.layers import channel_layers, get_channel_layer

from forum import events


@pytest.fixture(autouse=True)
def fresh_layer() -> Any:
    channel_layers.backends.clear()  # each test has its own event loop
    yield
    channel_layers.backends.clear()


def test_outside_a_socket_there_is_no_event_loop_to_hand_to() -> None:
    assert events._event_loop_of_this_thread() is None


@pytest.mark.asyncio
async def test_a_database_thread_hands_its_announcement_to_the_sockets_loop(monkeypatch: pytest.MonkeyPatch) -> None:
    layer = get_channel_layer()
    assert layer is not None
    channel = await layer.new_channel()
    await layer.group_add(events.room_group(41), channel)
    loop = asyncio.get_running_loop()

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("async_to_sync is not needed on a socket's database thread")

    monkeypatch.setattr(events, "async_to_sync", refuse)

    def announce() -> asyncio.AbstractEventLoop | None:
        found = events._event_loop_of_this_thread()
        events._send_all([(events.room_group(41), {"type": "room.frame", "room": 41, "seq": 1, "text": "{}"})])
        return found

    assert await sync_to_async(announce)() is loop
    received = await asyncio.wait_for(layer.receive(channel), 5)
    assert received["room"] == 41 and received["seq"] == 1
