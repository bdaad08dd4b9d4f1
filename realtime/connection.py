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
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import DatabaseError, InterfaceError

from core.errors import KringError
from forum.errors import ForumError
from forum.events import encode
from realtime import actions, protocol
from realtime.protocol import BeyondHead, Delete, Edit, Fetch, Ping, Post, React, Read, Subscribe, Typing, Unsubscribe
from realtime.tasks import run_db

if TYPE_CHECKING:
    from realtime.hub import Hub

logger = logging.getLogger(__name__)

REPLAY_LIMIT = 500
FETCH_LIMIT = 500
MAX_QUEUED_FRAMES = 2_000
# A full replay (500 frames, each carrying the body and its rendered article: up to ~30 KB) must
# fit, or a member subscribing to a room of long messages is closed as too slow before reading
# anything (it happened at 4 MiB: 300 messages of 8 KB replay as ~5 MB).
MAX_QUEUED_BYTES = 16 * 1024 * 1024
TYPING_INTERVAL = 2  # seconds: at most one typing frame per member per room
# Refused frames (bad_json, bad_frame, unknown_type, too_large) a socket may send in a
# minute before it is closed with 4429.
MAX_VIOLATIONS_PER_MINUTE = 600
# Writes (post, edit, delete, react, read) and reads (subscribe, fetch) per member: (burst, per second).
WRITE_BUCKET = (20, 5)
READ_BUCKET = (60, 20)


def idle_seconds() -> float:
    """A socket that sends nothing (not even a ping) this long is closed with 4409."""
    return float(settings.KRING_WS_IDLE_SECONDS)


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

    def send(self, frame: protocol.ServerFrame) -> None:
        self.enqueue(frame.encode())

    def error(
        self,
        code: str,
        message: str,
        ref: str | None = None,
        *,
        room: int | None = None,
        client_id: str | None = None,
        wait_seconds: float | None = None,
        field: str | None = None,
    ) -> None:
        self.send(
            protocol.Error(
                code=code,
                message=message,
                ref=ref,
                room=room,
                client_id=client_id,
                wait_seconds=wait_seconds,
                field=field,
            )
        )

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
        elif kind == "notification":
            self.hub.spawn(self.send_notification_count())

    async def send_notification_count(self) -> None:
        """The badge: one count query per socket of the member told (not per room or message)."""
        try:
            unread = await run_db(actions.unread_notifications)(self.user_id)
        except Exception:
            logger.warning("notification count for user %s failed", self.user_id, exc_info=True)
            return
        self.send(protocol.Notifications(unread=unread))

    async def recheck_access(self) -> None:
        rooms = list(self.subscriptions)
        if not rooms:
            return
        readable = set(await run_db(actions.still_readable)(self.user_id, rooms))
        for room_id in rooms:
            if room_id not in readable and room_id in self.subscriptions:
                await self._drop(room_id)
                self.send(protocol.Unsubscribed(room=room_id, reason="access_revoked"))

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
                head = (await run_db(actions.subscribe)(self.user, room_id, None, 0))["head_seq"]
                self.send(protocol.Resync(room=room_id, reason="too_far_behind", head_seq=head))

    def check_idle(self, now: float, limit: float | None = None) -> None:
        if now - self.last_seen > (idle_seconds() if limit is None else limit):
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
            self.error(exc.code, exc.message, exc.ref)
            return
        # The one mapping of Kring's errors to frames: code, message, field, and the wait.
        room: int | None = getattr(frame, "room", None)
        client_id: str | None = getattr(frame, "client_id", None)
        try:
            await getattr(self, f"on_{frame.type}")(frame)
        except (KringError, ForumError) as exc:
            self.error(
                exc.code,
                exc.message,
                frame.ref,
                room=room,
                client_id=client_id,
                wait_seconds=getattr(exc, "wait_seconds", None),
                field=exc.field,
            )
        except BeyondHead as exc:
            self.send(protocol.Resync(room=room or 0, reason="ahead_of_head", head_seq=exc.head_seq, ref=frame.ref))
        except (DatabaseError, InterfaceError):
            logger.warning("database unavailable for a %s frame", frame.type, exc_info=True)
            self.error(
                "unavailable",
                "Kring could not reach its database. Send it again with the same client_id: "
                "a post is never stored twice.",
                frame.ref,
                room=room,
                client_id=client_id,
            )
        except Exception:
            logger.exception("unexpected error on a %s frame", frame.type)
            self.error(
                "internal",
                "Something went wrong on our side; nothing was lost. Try again.",
                frame.ref,
                room=room,
                client_id=client_id,
            )

    def _limit(self, kind: str, ref: str | None, room: int | None, client_id: str | None = None) -> bool:
        capacity, rate = WRITE_BUCKET if kind == "write" else READ_BUCKET
        wait = self.hub.bucket(self.user_id, kind, capacity, rate).take()
        if wait:
            self.error(
                "rate_limited", "Too many frames; slow down.", ref, room=room, client_id=client_id, wait_seconds=wait
            )
            return False
        return True

    def _require_subscription(self, room_id: int, ref: str | None) -> bool:
        if room_id not in self.subscriptions:
            self.error("not_subscribed", "Subscribe to the room first.", ref, room=room_id)
            return False
        return True

    async def on_ping(self, frame: Ping) -> None:
        self.send(protocol.Pong())

    async def on_subscribe(self, frame: Subscribe) -> None:
        room_id, ref = frame.room, frame.ref
        if not self._limit("read", ref, room_id):
            return
        if room_id in self.subscriptions:
            await self._drop(room_id)
        if len(self.subscriptions) >= protocol.MAX_SUBSCRIPTIONS:
            self.error(
                "too_many_subscriptions", f"At most {protocol.MAX_SUBSCRIPTIONS} rooms per socket.", ref, room=room_id
            )
            return
        after = frame.after_seq
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
        self.send(protocol.Subscribed(room=room_id, head_seq=head, replayed=len(result["frames"])))
        if after is not None and after > head:
            # The client holds seqs this room never had (a database restored from a back-up):
            # what it holds is not this room's history, so it must reload, not resume.
            self.send(protocol.Resync(room=room_id, reason="ahead_of_head", head_seq=head, ref=ref))
            sub.last_seq = head
        elif not result["complete"]:
            self.send(protocol.Resync(room=room_id, reason="too_far_behind", head_seq=head, ref=ref))
            sub.last_seq = head
        elif after is None:
            sub.last_seq = head
        for message in result["frames"]:
            self.enqueue(encode(message))
            sub.last_seq = max(sub.last_seq, message["seq"])
        sub.live = True
        pending, sub.pending = sub.pending, []
        for seq, text in pending:
            self.deliver(room_id, seq, text)
        self.send(protocol.CaughtUp(room=room_id, seq=sub.last_seq))
        self.hub.presence_changed(room_id)

    async def _drop(self, room_id: int) -> None:
        if self.subscriptions.pop(room_id, None) is not None:
            await self.hub.leave_room(room_id, self)
            self.hub.presence_changed(room_id)

    async def on_unsubscribe(self, frame: Unsubscribe) -> None:
        await self._drop(frame.room)
        self.send(protocol.Unsubscribed(room=frame.room, reason="requested"))

    async def on_fetch(self, frame: Fetch) -> None:
        room_id, ref = frame.room, frame.ref
        if not self._require_subscription(room_id, ref) or not self._limit("read", ref, room_id):
            return
        start, end = frame.from_seq, frame.to_seq
        if end < start or end - start >= FETCH_LIMIT:
            self.error("bad_range", f"Ask for 1 to {FETCH_LIMIT} seqs at a time.", ref, room=room_id)
            return
        messages = await run_db(actions.fetch)(self.user, room_id, start, end)  # BeyondHead: resync
        for message in messages:
            self.enqueue(encode(message))  # explicitly asked for: send even if sent before
        self.send(protocol.CaughtUp(room=room_id, seq=end))

    async def on_post(self, frame: Post) -> None:
        if not self._limit("write", frame.ref, frame.room, frame.client_id):
            return
        seq = await self.hub.posts.post(
            self.user, frame.room, frame.topic, frame.body, frame.client_id, reply_to=frame.reply_to
        )
        self.send(protocol.Ack(room=frame.room, client_id=frame.client_id, seq=seq, ref=frame.ref))

    async def on_edit(self, frame: Edit) -> None:
        if self._limit("write", frame.ref, frame.room):
            await run_db(actions.edit)(self.user, frame.room, frame.seq, frame.body)

    async def on_delete(self, frame: Delete) -> None:
        if self._limit("write", frame.ref, frame.room):
            await run_db(actions.delete)(self.user, frame.room, frame.seq)

    async def on_react(self, frame: React) -> None:
        if self._limit("write", frame.ref, frame.room):
            await run_db(actions.react)(self.user, frame.room, frame.seq, frame.emoji, frame.add)

    async def on_read(self, frame: Read) -> None:
        if self._limit("write", frame.ref, frame.room):
            stored = await run_db(actions.read)(self.user, frame.room, frame.seq, frame.topic)
            self.send(protocol.ReadState(room=frame.room, seq=stored))

    async def on_typing(self, frame: Typing) -> None:
        room_id = frame.room
        if not self._require_subscription(room_id, frame.ref):
            return
        if not self.hub.typing_allowed(self.user_id, room_id, TYPING_INTERVAL, time.monotonic()):
            return  # throttled silently: typing is a hint, not a message
        typing = protocol.TypingFrame(
            room=room_id, topic=frame.topic, user=protocol.Person(id=self.user_id, name=self.user_name)
        )
        await self.hub.broadcast_ephemeral(room_id, typing.encode(), exclude_user=self.user_id)
