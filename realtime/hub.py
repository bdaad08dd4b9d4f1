"""The per-process hub: one channel-layer subscription per room per server process.

The canonical Channels pattern puts every socket in the room's group, so each event
crosses the layer once per socket and is deserialised and re-serialised per socket. Here
the hub joins a room's group when its first local socket subscribes and leaves when the
last one goes; each event arrives once per process, already encoded as the wire frame,
and the hub hands that text to its local sockets. No database query happens on
broadcast.

The layer may drop events, or lose its connection (Redis restarted). The hub never
relies on it for correctness: after a receive failure it re-joins its groups and
replays from the database what its sockets may have missed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Coroutine
from typing import TYPE_CHECKING, Any

from channels.layers import get_channel_layer
from django.conf import settings

from core.ratelimit import TokenBucket
from forum import events
from realtime.posting import PostBatcher
from realtime.tasks import Background

__all__ = ["Hub", "TokenBucket", "get_hub"]  # TokenBucket: core.ratelimit's, named here for callers

if TYPE_CHECKING:
    from realtime.connection import Connection

logger = logging.getLogger(__name__)

SWEEP_SECONDS = 10.0
# The Redis pub/sub layer reconnects (and re-subscribes) by itself, and its receive never
# fails, so a hub would not know Redis was gone: joins made meanwhile are lost for good and
# events published meanwhile are never replayed. The hub sends itself a heartbeat through
# the layer; when one fails to go out or none arrives for a while, and then one arrives,
# it recovers.
HEARTBEAT_SECONDS = 1.0
HEARTBEAT_SILENCE = 3.0
# Joins and leaves within this window share one presence frame: when a thousand members
# open a room together, the room gets a few frames, not one full member list per join.
PRESENCE_DELAY = 0.25


class Hub:
    def __init__(self) -> None:
        self.layer = get_channel_layer()
        self.channel: str | None = None
        self.rooms: dict[int, set[Connection]] = {}
        self.users: dict[int, set[Connection]] = {}
        self.buckets: dict[tuple[int, str], TokenBucket] = {}
        self.connections: set[Connection] = set()
        self._reader: asyncio.Task[None] | None = None
        self._sweeper: asyncio.Task[None] | None = None
        self._heartbeat: asyncio.Task[None] | None = None
        self._heard = time.monotonic()
        self.layer_down = False
        self._lock = asyncio.Lock()
        self.recoveries = 0
        self._background = Background()
        # (user, room) -> when that member last sent a typing frame to the room, from any
        # socket of this process: the protocol promises one per member per room per 2 s.
        self.typing_at: dict[tuple[int, int], float] = {}
        self._presence_due: set[int] = set()
        self._joining: dict[int, asyncio.Future[None]] = {}
        self.posts = PostBatcher(self)

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> None:
        """Run a background coroutine, keeping a reference so it is not collected mid-way."""
        self._background.spawn(coro)

    async def start(self) -> None:
        if self.layer is None:
            raise RuntimeError("Kring's realtime layer needs a channel layer")
        self.channel = await self.layer.new_channel(prefix="hub.")
        self._reader = asyncio.create_task(self._read_forever())
        self._sweeper = asyncio.create_task(self._sweep_forever())
        self._heartbeat = asyncio.create_task(self._heartbeat_forever())

    # --- membership ----------------------------------------------------------------------

    def attach(self, conn: Connection) -> Awaitable[None]:
        self.connections.add(conn)
        local = self.users.setdefault(conn.user_id, set())
        local.add(conn)
        if len(local) == 1:
            return self._group_add(events.user_group(conn.user_id))
        return _done()

    async def detach(self, conn: Connection) -> None:
        self.connections.discard(conn)
        for room_id in list(conn.subscriptions):
            await self.leave_room(room_id, conn)
        local = self.users.get(conn.user_id)
        if local is not None:
            local.discard(conn)
            if not local:
                del self.users[conn.user_id]
                await self._group_discard(events.user_group(conn.user_id))

    async def join_room(self, room_id: int, conn: Connection) -> None:
        """Returns once this process receives the room's events.

        The first socket of a room makes the hub join the room's group; sockets that
        subscribe while that join is in flight wait for it too, or they would read their
        history before the hub hears new posts and miss the posts in between.
        """
        local = self.rooms.setdefault(room_id, set())
        first = not local
        local.add(conn)
        if first:
            joining = self._joining[room_id] = asyncio.get_running_loop().create_future()
            try:
                await self._group_add(events.room_group(room_id))
            finally:
                joining.set_result(None)
                if self._joining.get(room_id) is joining:
                    del self._joining[room_id]
        elif (pending := self._joining.get(room_id)) is not None:
            await asyncio.shield(pending)

    async def leave_room(self, room_id: int, conn: Connection) -> None:
        local = self.rooms.get(room_id)
        if local is None:
            return
        local.discard(conn)
        if not local:
            del self.rooms[room_id]
            await self._group_discard(events.room_group(room_id))

    async def _group_add(self, group: str) -> None:
        assert self.layer is not None and self.channel is not None
        try:
            await self.layer.group_add(group, self.channel)
        except Exception:  # the layer is down; recovery re-adds every group
            self.layer_down = True
            logger.warning("group_add %s failed; will retry on recovery", group, exc_info=True)

    async def _group_discard(self, group: str) -> None:
        assert self.layer is not None and self.channel is not None
        with contextlib.suppress(Exception):  # a stale membership only costs an ignored event
            await self.layer.group_discard(group, self.channel)

    # --- events from the layer -------------------------------------------------------------

    async def _read_forever(self) -> None:
        assert self.layer is not None and self.channel is not None
        failed = False
        while True:
            try:
                message = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                if not failed:
                    logger.warning("channel layer receive failed; recovering", exc_info=True)
                failed = True
                await asyncio.sleep(0.5)
                continue
            if failed:
                failed = False
                self.spawn(self.recover())
            try:
                self.dispatch(message)
            except Exception:
                logger.exception("could not dispatch a layer event")

    def dispatch(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        if kind == "room.frame":
            room_id = message["room"]
            text = message["text"]
            seq = message.get("seq")
            exclude = message.get("exclude_user")
            for conn in tuple(self.rooms.get(room_id, ())):
                if exclude is not None and conn.user_id == exclude:
                    continue
                conn.deliver(room_id, seq, text)
        elif kind == "room.frames":  # a batch of posts committed together
            room_id = message["room"]
            items = message["items"]
            for conn in tuple(self.rooms.get(room_id, ())):
                for seq, text in items:
                    conn.deliver(room_id, seq, text)
        elif kind == "user.event":
            for conn in tuple(self.users.get(message.get("user", -1), ())):
                conn.on_user_event(message)
        elif kind == "hub.heartbeat":
            self._heard = time.monotonic()
            if self.layer_down:
                self.layer_down = False
                logger.warning("channel layer is back; recovering")
                self.spawn(self.recover())

    async def _heartbeat_forever(self) -> None:
        assert self.layer is not None and self.channel is not None
        while True:
            await asyncio.sleep(HEARTBEAT_SECONDS)
            try:
                await self.layer.send(self.channel, {"type": "hub.heartbeat"})
            except asyncio.CancelledError:
                raise
            except Exception:
                self.layer_down = True
                continue
            if time.monotonic() - self._heard > HEARTBEAT_SILENCE:
                self.layer_down = True

    async def recover(self) -> None:
        """After the layer failed: re-join groups and replay from the database."""
        self.recoveries += 1
        async with self._lock:
            for user_id in list(self.users):
                await self._group_add(events.user_group(user_id))
            for room_id in list(self.rooms):
                await self._group_add(events.room_group(room_id))
        for conn in tuple(self.connections):
            await conn.catch_up_all()

    # --- ephemeral fan-out (typing, presence) ----------------------------------------------------

    async def broadcast_ephemeral(self, room_id: int, text: str, exclude_user: int | None = None) -> None:
        assert self.layer is not None
        with contextlib.suppress(Exception):  # ephemeral: a lost typing frame is harmless
            await self.layer.group_send(
                events.room_group(room_id),
                {"type": "room.frame", "room": room_id, "text": text, "seq": None, "exclude_user": exclude_user},
            )

    def presence_changed(self, room_id: int) -> None:
        """Announce who has the room open here, once per window, whatever the number of changes."""
        if room_id in self._presence_due:
            return
        self._presence_due.add(room_id)
        self.spawn(self._announce_presence(room_id))

    async def _announce_presence(self, room_id: int) -> None:
        await asyncio.sleep(PRESENCE_DELAY)
        self._presence_due.discard(room_id)
        users = {c.user_id: c.user_name for c in self.rooms.get(room_id, ())}
        frame = {"type": "presence", "room": room_id, "users": [{"id": k, "name": v} for k, v in sorted(users.items())]}
        await self.broadcast_ephemeral(room_id, events.encode(frame))

    def typing_allowed(self, user_id: int, room_id: int, interval: float, now: float) -> bool:
        """At most one typing frame per member per room per ``interval``, over all their sockets."""
        key = (user_id, room_id)
        if now - self.typing_at.get(key, -interval) < interval:
            return False
        self.typing_at[key] = now
        return True

    def bucket(self, user_id: int, kind: str, capacity: float, rate: float) -> TokenBucket:
        key = (user_id, kind)
        found = self.buckets.get(key)
        if found is None:
            found = self.buckets[key] = TokenBucket(capacity, rate)
        return found

    # --- housekeeping ------------------------------------------------------------------------------

    async def _sweep_forever(self) -> None:
        while True:
            await asyncio.sleep(SWEEP_SECONDS)
            now = time.monotonic()
            idle = float(settings.KRING_WS_IDLE_SECONDS)
            for conn in tuple(self.connections):
                conn.check_idle(now, idle)
                conn.retire_writer(now - SWEEP_SECONDS)
            # Forget buckets of users with no socket here; they refill to full anyway.
            for key in [k for k in self.buckets if k[0] not in self.users]:
                del self.buckets[key]
            for typing_key in [k for k, at in self.typing_at.items() if now - at > SWEEP_SECONDS]:
                del self.typing_at[typing_key]


async def _done() -> None:
    return None


_hubs: dict[asyncio.AbstractEventLoop, Hub] = {}


_starting: dict[asyncio.AbstractEventLoop, asyncio.Future[None]] = {}


async def get_hub() -> Hub:
    """The hub of this event loop; sockets that connect while it starts wait for the start."""
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None:
        hub = _hubs[loop] = Hub()
        _starting[loop] = asyncio.ensure_future(hub.start())
    starting = _starting.get(loop)
    if starting is not None and not starting.done():
        await asyncio.shield(starting)
    return hub
