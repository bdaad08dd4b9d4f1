"""One browser tab's socket: many room subscriptions, bounded output, every frame checked.

Thin by design: frames are parsed against ``realtime.protocol`` and handed to
``realtime.actions`` (which call the forum's services); answers go out as frames.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from django.db import DatabaseError, InterfaceError

from forum.errors import ForumError, RateLimited
from forum.events import encode
from realtime import actions, protocol
from realtime.hub import Hub, run_db

logger = logging.getLogger(__name__)

REPLAY_LIMIT = 500
FETCH_LIMIT = 500
MAX_QUEUED_FRAMES = 2_000
MAX_QUEUED_BYTES = 4 * 1024 * 1024
IDLE_SECONDS = 90.0  # keep in step with settings.KRING_WS_IDLE_SECONDS
TYPING_INTERVAL = 2.0
MAX_VIOLATIONS_PER_MINUTE = 600
# Writes (post, edit, delete, react, read) and reads (subscribe, fetch) per user.
WRITE_BUCKET = (20.0, 5.0)
READ_BUCKET = (60.0, 20.0)


@dataclass(slots=True)
class Subscription:
    last_seq: int
    live: bool = False
    pending: list[tuple[int | None, str]] = field(default_factory=list)


class Connection:
    """One socket's state. An idle socket is most of what a server holds, so it is kept lean:
    slots, no output queue and no writer task until there is something to send."""

    __slots__ = (
        "_send",
        "_wake",
        "_writer",
        "close_code",
        "hub",
        "last_seen",
        "last_sent",
        "main",
        "queue",
        "queued_bytes",
        "receiving",
        "session_key",
        "subscriptions",
        "typing_at",
        "user",
        "user_id",
        "user_name",
        "violations",
    )

    def __init__(self, *, hub: Hub, send: Any, user: Any, session_key: str | None) -> None:
        self.hub = hub
        self._send = send
        self.user = user
        self.user_id: int = user.pk
        self.user_name: str = user.display_name
        self.session_key = session_key
        self.subscriptions: dict[int, Subscription] = {}
        self.queue: deque[str] | None = None
        self.queued_bytes = 0
        self._writer: asyncio.Task[None] | None = None
        self._wake: asyncio.Future[None] | None = None  # set while the writer waits for output
        # The socket's own task, and whether it waits for the client: closing wakes it.
        self.main: asyncio.Task[Any] | None = None
        self.receiving = False
        self.close_code: int | None = None
        self.last_seen = time.monotonic()
        self.last_sent = 0.0
        self.typing_at: dict[int, float] | None = None
        self.violations: deque[float] | None = None

    # --- output ----------------------------------------------------------------------------

    def enqueue(self, text: str) -> None:
        if self.close_code is not None:
            return
        queue = self.queue
        if queue is None:
            queue = self.queue = deque()
        if len(queue) >= MAX_QUEUED_FRAMES or self.queued_bytes + len(text) > MAX_QUEUED_BYTES:
            # The client is not reading: drop it rather than let server memory grow.
            self.close(protocol.CLOSE_TOO_SLOW)
            return
        queue.append(text)
        self.queued_bytes += len(text)
        self._kick()

    def _kick(self) -> None:
        wake = self._wake
        if wake is not None:
            self._wake = None
            if not wake.done():
                wake.set_result(None)
        elif self._writer is None:
            self._writer = asyncio.get_running_loop().create_task(self._drain())

    def send_frame(self, frame: dict[str, Any]) -> None:
        self.enqueue(encode(frame))

    def error(self, code: str, message: str, ref: str | None = None, **extra: Any) -> None:
        frame: dict[str, Any] = {"type": "error", "code": code, "message": message}
        if ref is not None:
            frame["ref"] = ref
        frame.update({k: v for k, v in extra.items() if v is not None})
        self.send_frame(frame)

    def close(self, code: int) -> None:
        if self.close_code is None:
            self.close_code = code
            self.queue = None
            self.queued_bytes = 0
            self._kick()

    def retire_writer(self, idle_since: float) -> None:
        """Let a writer that has waited since before ``idle_since`` go (the hub's sweep)."""
        if self._wake is not None and self.last_sent < idle_since and not self.queue:
            wake, self._wake = self._wake, None
            wake.cancel()

    async def _drain(self) -> None:
        """Send what is queued; a slow client backs up here, not in the hub.

        The writer stays while its socket is busy (a live room sends often, and a task per
        frame costs more than a wake-up); the hub's sweep retires it after a quiet spell,
        so an idle socket holds no task and no queue.
        """
        loop = asyncio.get_running_loop()
        try:
            while True:
                queue = self.queue
                while self.close_code is None and queue:
                    text = queue.popleft()
                    self.queued_bytes -= len(text)
                    await self._send({"type": "websocket.send", "text": text})
                self.last_sent = time.monotonic()
                if self.close_code is not None:
                    break
                wake = self._wake = loop.create_future()
                try:
                    await wake
                except asyncio.CancelledError:
                    if self._wake is not wake and not self.queue:
                        self.queue = None  # retired by the sweep: an idle socket keeps nothing
                        return
                    raise
            await self._send({"type": "websocket.close", "code": self.close_code})
            if self.main is not None and self.receiving:
                self.main.cancel()  # stop waiting for the client: we closed
        except Exception:  # the client went away mid-send: its disconnect ends the socket
            logger.debug("send to a closing socket of user %s failed", self.user_id, exc_info=True)
            self.queue = None
            self.queued_bytes = 0
        finally:
            self._wake = None
            self._writer = None

    async def finish(self) -> None:
        """On the way out: let a close frame in flight go out (bounded), then stop writing."""
        writer = self._writer
        if writer is None or writer.done():
            return
        if self.close_code is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(asyncio.shield(writer), timeout=1)
        writer.cancel()

    # --- input from the hub -------------------------------------------------------------------

    def deliver(self, room_id: int, seq: int | None, text: str) -> None:
        sub = self.subscriptions.get(room_id)
        if sub is None:
            return
        if not sub.live:
            sub.pending.append((seq, text))
            return
        if seq is not None:
            if seq <= sub.last_seq:
                return  # already sent (replay or an earlier copy)
            sub.last_seq = seq
        self.enqueue(text)

    def on_user_event(self, event: dict[str, Any]) -> None:
        kind = event.get("kind")
        if kind == "logout" and (event.get("session") in (None, self.session_key)):
            self.close(protocol.CLOSE_LOGGED_OUT)
        elif kind == "access_changed":
            self.hub.spawn(self.recheck_access())

    async def recheck_access(self) -> None:
        rooms = list(self.subscriptions)
        if not rooms:
            return
        readable = set(await run_db(actions.still_readable)(self.user_id, rooms))
        for room_id in rooms:
            if room_id not in readable and room_id in self.subscriptions:
                await self._drop(room_id)
                self.send_frame({"type": "unsubscribed", "room": room_id, "reason": "access_revoked"})

    async def catch_up_all(self) -> None:
        """After the layer failed: send whatever each room got since what we sent."""
        for room_id, sub in list(self.subscriptions.items()):
            if not sub.live:
                continue
            try:
                frames, complete = await run_db(actions.catch_up)(self.user, room_id, sub.last_seq, REPLAY_LIMIT)
            except ForumError:
                continue
            except Exception:
                logger.warning("catch-up of room %s failed", room_id, exc_info=True)
                continue
            for frame in frames:
                self.deliver(room_id, frame["seq"], encode(frame))
            if not complete:
                self.send_frame({"type": "resync", "room": room_id, "reason": "too_far_behind"})

    def check_idle(self, now: float) -> None:
        if now - self.last_seen > IDLE_SECONDS:
            self.close(protocol.CLOSE_IDLE)

    # --- input from the client -----------------------------------------------------------------

    def _violation(self) -> None:
        now = time.monotonic()
        if self.violations is None:
            self.violations = deque()
        violations = self.violations
        violations.append(now)
        while violations and now - violations[0] > 60:
            violations.popleft()
        if len(violations) > MAX_VIOLATIONS_PER_MINUTE:
            self.close(protocol.CLOSE_POLICY)

    async def handle(self, text: str | None, data: bytes | None) -> None:
        self.last_seen = time.monotonic()
        try:
            frame = protocol.parse_client_frame(text, data)
        except protocol.ProtocolError as exc:
            self._violation()
            self.error(exc.code, exc.message)
            return
        handler = getattr(self, f"on_{frame.type}")
        try:
            await handler(frame.data, frame.ref)
        except RateLimited as exc:
            self.error(
                "slow_mode",
                exc.message,
                frame.ref,
                room=frame.data.get("room"),
                client_id=frame.data.get("client_id"),
                wait_seconds=exc.wait_seconds,
            )
        except ForumError as exc:
            self.error(
                exc.code, exc.message, frame.ref, room=frame.data.get("room"), client_id=frame.data.get("client_id")
            )
        except (DatabaseError, InterfaceError):
            logger.warning("database unavailable for a %s frame", frame.type, exc_info=True)
            self.error(
                "unavailable",
                "Kring could not reach its database. Send it again with the same client_id: "
                "a post is never stored twice.",
                frame.ref,
                room=frame.data.get("room"),
                client_id=frame.data.get("client_id"),
            )

    def _limit(self, kind: str, ref: str | None, data: dict[str, Any]) -> bool:
        capacity, rate = WRITE_BUCKET if kind == "write" else READ_BUCKET
        wait = self.hub.bucket(self.user_id, kind, capacity, rate).take()
        if wait:
            self.error(
                "rate_limited",
                "Too many frames; slow down.",
                ref,
                room=data.get("room"),
                client_id=data.get("client_id"),
                wait_seconds=wait,
            )
            return False
        return True

    def _require_subscription(self, room_id: int, ref: str | None) -> bool:
        if room_id not in self.subscriptions:
            self.error("not_subscribed", "Subscribe to the room first.", ref, room=room_id)
            return False
        return True

    async def on_ping(self, data: dict[str, Any], ref: str | None) -> None:
        self.send_frame({"type": "pong"})

    async def on_subscribe(self, data: dict[str, Any], ref: str | None) -> None:
        room_id = data["room"]
        if not self._limit("read", ref, data):
            return
        if room_id in self.subscriptions:
            await self._drop(room_id)
        if len(self.subscriptions) >= protocol.MAX_SUBSCRIPTIONS:
            self.error(
                "too_many_subscriptions", f"At most {protocol.MAX_SUBSCRIPTIONS} rooms per socket.", ref, room=room_id
            )
            return
        after = data.get("after_seq")
        # Subscribe first, then read the backlog, then drop what was already sent.
        sub = Subscription(last_seq=after or 0)
        self.subscriptions[room_id] = sub
        await self.hub.join_room(room_id, self)
        try:
            result = await run_db(actions.subscribe)(self.user, room_id, after, REPLAY_LIMIT)
        except BaseException:
            await self._drop(room_id)
            raise
        head = result["head_seq"]
        self.send_frame({"type": "subscribed", "room": room_id, "head_seq": head, "replayed": len(result["frames"])})
        if not result["complete"]:
            self.send_frame({"type": "resync", "room": room_id, "reason": "too_far_behind"})
            sub.last_seq = head
        elif after is None:
            sub.last_seq = head
        for frame in result["frames"]:
            self.enqueue(encode(frame))
            sub.last_seq = max(sub.last_seq, frame["seq"])
        sub.live = True
        pending, sub.pending = sub.pending, []
        for seq, text in pending:
            self.deliver(room_id, seq, text)
        self.send_frame({"type": "caught_up", "room": room_id, "seq": sub.last_seq})
        self.hub.presence_changed(room_id)

    async def _drop(self, room_id: int) -> None:
        if self.subscriptions.pop(room_id, None) is not None:
            await self.hub.leave_room(room_id, self)
            self.hub.presence_changed(room_id)

    async def on_unsubscribe(self, data: dict[str, Any], ref: str | None) -> None:
        room_id = data["room"]
        await self._drop(room_id)
        self.send_frame({"type": "unsubscribed", "room": room_id, "reason": "requested"})

    async def on_fetch(self, data: dict[str, Any], ref: str | None) -> None:
        room_id = data["room"]
        if not self._require_subscription(room_id, ref) or not self._limit("read", ref, data):
            return
        start, end = data["from_seq"], data["to_seq"]
        if end < start or end - start >= FETCH_LIMIT:
            self.error("bad_range", f"Ask for 1 to {FETCH_LIMIT} seqs at a time.", ref, room=room_id)
            return
        frames = await run_db(actions.fetch)(self.user, room_id, start, end)
        for frame in frames:
            self.enqueue(encode(frame))  # explicitly asked for: send even if sent before
        self.send_frame({"type": "caught_up", "room": room_id, "seq": end})

    async def on_post(self, data: dict[str, Any], ref: str | None) -> None:
        if not self._limit("write", ref, data):
            return
        seq = await self.hub.posts.post(self.user, data["room"], data["topic"], data["body"], data["client_id"])
        ack: dict[str, Any] = {"type": "ack", "room": data["room"], "client_id": data["client_id"], "seq": seq}
        if ref is not None:
            ack["ref"] = ref
        self.send_frame(ack)

    async def on_edit(self, data: dict[str, Any], ref: str | None) -> None:
        if self._limit("write", ref, data):
            await run_db(actions.edit)(self.user, data["room"], data["seq"], data["body"])

    async def on_delete(self, data: dict[str, Any], ref: str | None) -> None:
        if self._limit("write", ref, data):
            await run_db(actions.delete)(self.user, data["room"], data["seq"])

    async def on_react(self, data: dict[str, Any], ref: str | None) -> None:
        if self._limit("write", ref, data):
            await run_db(actions.react)(self.user, data["room"], data["seq"], data["emoji"], data.get("add"))

    async def on_read(self, data: dict[str, Any], ref: str | None) -> None:
        if self._limit("write", ref, data):
            stored = await run_db(actions.read)(self.user, data["room"], data["seq"])
            self.send_frame({"type": "read_state", "room": data["room"], "seq": stored})

    async def on_typing(self, data: dict[str, Any], ref: str | None) -> None:
        room_id = data["room"]
        if not self._require_subscription(room_id, ref):
            return
        now = time.monotonic()
        if self.typing_at is None:
            self.typing_at = {}
        if now - self.typing_at.get(room_id, 0.0) < TYPING_INTERVAL:
            return  # throttled silently: typing is a hint, not a message
        self.typing_at[room_id] = now
        frame = {
            "type": "typing",
            "room": room_id,
            "topic": data.get("topic"),
            "user": {"id": self.user_id, "name": self.user_name},
        }
        await self.hub.broadcast_ephemeral(room_id, encode(frame), exclude_user=self.user_id)
