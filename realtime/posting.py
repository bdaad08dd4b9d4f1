"""Group commit for post frames: posts that arrive together share a transaction.

A server process runs its database work on one thread (Channels' ``database_sync_to_async``),
so one transaction per post, or per room, caps the process at the speed of that thread
(measured: 100 rooms of 10 at 50 posts/s). Here the process has one queue: the first post
starts a writer at once (no added delay when it is quiet); posts that arrive while it
writes, to any room, wait and go together in the next transaction, through the forum's
one write path, ``services.post_messages``. Posts keep their arrival order, so a room's
seqs follow the order its posts arrived in. Each post still gets its own
answer: its seq, or the error that refused it. A database fault fails the whole batch,
and every post in it gets an error, never an ack.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import TYPE_CHECKING

from accounts.models import User
from forum.errors import ForumError
from forum.services import NewMessage
from realtime import actions
from realtime.tasks import run_db

if TYPE_CHECKING:
    from realtime.hub import Hub

# Enough to share one transaction among a busy process's rooms (100 rooms × a few posts),
# small enough that one batch's statements stay short.
MAX_BATCH = 256


class PostBatcher:
    __slots__ = ("hub", "queue", "writing")

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.queue: list[tuple[NewMessage, asyncio.Future[int]]] = []
        self.writing = False

    async def post(
        self, user: User, room_id: int, topic_id: int, body: str, client_id: str, *, reply_to: int | None = None
    ) -> int:
        """Queue one post and wait for its seq; raises the ``ForumError`` that refused it.

        ``reply_to`` is the id of the message this post answers (in the same topic)."""
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        request = NewMessage(
            actor=user,
            room_id=room_id,
            topic_id=topic_id,
            body=body,
            client_id=uuid.UUID(client_id),
            reply_to=reply_to,
        )
        self.queue.append((request, future))
        if not self.writing:
            self.writing = True
            self.hub.spawn(self._write())
        # shield: a socket that goes away mid-write must not cancel its neighbours' batch.
        return await asyncio.shield(future)

    async def _write(self) -> None:
        try:
            while self.queue:
                batch, self.queue = self.queue[:MAX_BATCH], self.queue[MAX_BATCH:]
                try:
                    results = await run_db(actions.post_batch)([request for request, _ in batch])
                except Exception as exc:  # the database is down: every post in the batch hears so
                    for _, future in batch:
                        if not future.done():
                            future.set_exception(exc)
                    continue
                for (_, future), result in zip(batch, results, strict=True):
                    if future.done():
                        continue
                    if isinstance(result, ForumError):
                        future.set_exception(result)
                    else:
                        future.set_result(result)
        finally:
            self.writing = False
            queue, self.queue = self.queue, []
            for _, future in queue:  # only when cancelled (server shutdown)
                if not future.done():
                    future.cancel()
