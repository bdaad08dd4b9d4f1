"""Group commit for post frames: posts to one room that arrive together share a transaction.

A server process runs its database work on one thread (Channels' ``database_sync_to_async``),
so one transaction per post caps a busy room at the speed of that thread. Here each room
has a queue: the first post starts a writer at once (no added delay when it is quiet);
posts that arrive while it writes wait and go together in the next transaction, through
the forum's one write path, ``services.post_messages``. Each post still gets its own
answer: its seq, or the error that refused it. A database fault fails the whole batch,
and every post in it gets an error, never an ack.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import TYPE_CHECKING, Any

from forum.errors import ForumError
from forum.services import NewMessage
from realtime import actions

if TYPE_CHECKING:
    from realtime.hub import Hub

MAX_BATCH = 64


class PostBatcher:
    __slots__ = ("hub", "queues")

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.queues: dict[int, list[tuple[NewMessage, asyncio.Future[int]]]] = {}

    async def post(self, user: Any, room_id: int, topic_id: int, body: str, client_id: str) -> int:
        """Queue one post and wait for its seq; raises the ``ForumError`` that refused it."""
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        request = NewMessage(actor=user, topic_id=topic_id, body=body, client_id=uuid.UUID(client_id))
        queue = self.queues.get(room_id)
        if queue is None:
            self.queues[room_id] = [(request, future)]
            self.hub.spawn(self._write(room_id))
        else:
            queue.append((request, future))
        # shield: a socket that goes away mid-write must not cancel its neighbours' batch.
        return await asyncio.shield(future)

    async def _write(self, room_id: int) -> None:
        from realtime.hub import run_db

        try:
            while queue := self.queues.get(room_id):
                batch, self.queues[room_id] = queue[:MAX_BATCH], queue[MAX_BATCH:]
                try:
                    results = await run_db(actions.post_batch)(room_id, [request for request, _ in batch])
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
            queue = self.queues.pop(room_id, None)
            for _, future in queue or ():  # only when cancelled (server shutdown)
                if not future.done():
                    future.cancel()
