"""Server CPU per stored message at batches of one (issue 13).

A quiet platform's posts arrive one at a time, so each is a batch of one: the batch's
fixed cost is what a post costs. This row runs the server's own write path for a post
frame — ``realtime.actions.post_batch`` on Channels' database thread, called from an event
loop as a server process does, including the after-commit announcement to the channel
layer (Redis) — one post at a time, and reports the process's CPU seconds
(``time.process_time``: the machine is shared, so wall time would measure the neighbours)
per stored message. The WebSocket parse, ack and fan-out to sockets are not in it (the
fan-out rows measure those). PostgreSQL's own CPU is not in it either: it is another process.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
import uuid
from typing import Any

from bench import data

SLUG = "bench-posting"
MEMBERS = 10  # as a room of the "100 rooms x 10" fan-out scenario


def _world() -> tuple[list[Any], int, int]:
    """A community with one room of ``MEMBERS`` members (made once, then reused) and a new topic."""
    from accounts.models import User
    from forum import services
    from forum.models import Community, Topic

    ids = data.ensure_users(MEMBERS, prefix="postbench")
    users = list(User.objects.filter(pk__in=ids).select_related("profile").order_by("pk"))
    community = Community.objects.filter(slug=SLUG).first()
    if community is None:
        community = services.create_community(
            actor=users[0],
            name="Bench posting",
            slug=SLUG,
            kind="kenniskring",
            description="Benchmark",
            waaromvraag="Meten wat een bericht kost.",
        )
        for user in users[1:]:
            services.join_community(actor=user, community=community)
    room = community.rooms.get()
    # A new topic per run, so runs compare: each run adds ~1,300 messages.
    topic = services.create_topic(
        actor=users[0], room=room, title=f"Bench {Topic.objects.filter(room=room).count() + 1}"
    )
    return users, room.pk, topic.pk


def run(posts: int = 400, warmup: int = 40, rounds: int = 3) -> dict[str, Any]:
    """``rounds`` runs of ``posts`` single posts each; CPU ms per stored message (median round)."""
    # As the fan-out rows run their servers: DEBUG would time and keep every query.
    os.environ["DEBUG"] = "false"
    data.setup_django()
    from channels.db import database_sync_to_async
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from forum.services import NewMessage
    from realtime import actions

    users, room_id, topic_id = _world()
    post_batch = database_sync_to_async(actions.post_batch)

    async def one(i: int) -> None:
        # The socket's user object, as a connection holds it; a new client_id per post.
        post = NewMessage(
            actor=users[i % len(users)],
            room_id=room_id,
            topic_id=topic_id,
            body=f"Bericht {i} over warmtepompen en isolatie.",
            client_id=uuid.uuid4(),
        )
        (result,) = await post_batch([post])
        assert isinstance(result, int), result

    async def main() -> dict[str, Any]:
        for i in range(warmup):
            await one(i)
        cpu_ms: list[float] = []
        wall_ms: list[float] = []
        for _round in range(rounds):
            cpu0, wall0 = time.process_time(), time.perf_counter()
            for i in range(posts):
                await one(i)
            cpu_ms.append((time.process_time() - cpu0) * 1000 / posts)
            wall_ms.append((time.perf_counter() - wall0) * 1000 / posts)
        return {"cpu_ms": cpu_ms, "wall_ms": wall_ms}

    measured = asyncio.run(main())

    post = NewMessage(actor=users[0], room_id=room_id, topic_id=topic_id, body="Geteld.", client_id=uuid.uuid4())
    with CaptureQueriesContext(connection) as counted:
        actions.post_batch([post])
    queries = len(counted.captured_queries)
    return {
        "posts_per_round": posts,
        "rounds": rounds,
        "cpu_ms_per_message": round(statistics.median(measured["cpu_ms"]), 3),
        "cpu_ms_rounds": [round(x, 3) for x in measured["cpu_ms"]],
        "wall_ms_per_message": round(statistics.median(measured["wall_ms"]), 3),
        "queries_per_post": queries,
    }


if __name__ == "__main__":
    import json

    print(json.dumps(run(), indent=1))
