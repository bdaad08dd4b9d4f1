"""The hub on its own, with a channel layer the test controls."""

from __future__ import annotations

import asyncio
from typing import Any

from realtime.hub import Hub


class Socket:
    """Stands in for a Connection: the hub only needs it hashable, with a user id."""

    def __init__(self, user_id: int) -> None:
        self.user_id = user_id


class SlowLayer:
    """A channel layer whose group_add waits until the test lets it finish."""

    def __init__(self) -> None:
        self.release = asyncio.Event()
        self.added: list[str] = []

    async def group_add(self, group: str, channel: str) -> None:
        await self.release.wait()
        self.added.append(group)


async def test_a_second_socket_waits_for_the_rooms_join_in_flight() -> None:
    """Regression: the second socket of a room returned before the hub had joined the
    room's group, read its history and missed the posts committed in between."""
    hub = Hub()
    layer = SlowLayer()
    hub.layer, hub.channel = layer, "hub.test"
    first, second = Socket(1), Socket(2)

    joining_first = asyncio.create_task(hub.join_room(5, first))  # type: ignore[arg-type]
    await asyncio.sleep(0)
    joining_second = asyncio.create_task(hub.join_room(5, second))  # type: ignore[arg-type]
    await asyncio.sleep(0.01)
    assert not joining_second.done() and not joining_first.done()

    layer.release.set()
    await asyncio.wait_for(asyncio.gather(joining_first, joining_second), 1)
    assert layer.added == ["room.5"]  # joined once, for both
    assert hub.rooms[5] == {first, second}
    await asyncio.wait_for(hub.join_room(5, Socket(3)), 1)  # type: ignore[arg-type]
    assert layer.added == ["room.5"]


async def test_a_failed_join_does_not_leave_later_sockets_waiting() -> None:
    hub = Hub()

    class Down:
        async def group_add(self, group: str, channel: str) -> Any:
            raise ConnectionError("redis is down")

    hub.layer, hub.channel = Down(), "hub.test"
    await asyncio.wait_for(hub.join_room(5, Socket(1)), 1)  # type: ignore[arg-type]
    assert hub.layer_down  # recovery re-joins later
    await asyncio.wait_for(hub.join_room(5, Socket(2)), 1)  # type: ignore[arg-type]
