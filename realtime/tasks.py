"""Helpers for the realtime layer's async work: database calls off the event loop, and
background tasks that are kept referenced until they finish.

Their own module so that the hub and the post batcher can both use them without
importing each other.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from channels.db import database_sync_to_async


def run_db(func: Callable[..., Any]) -> Callable[..., Awaitable[Any]]:
    """``func`` run in Channels' database thread (closing stale connections around it)."""
    return database_sync_to_async(func)


class Background:
    """Tasks started and not awaited; a reference is kept so none is collected mid-way."""

    __slots__ = ("tasks",)

    def __init__(self) -> None:
        self.tasks: set[asyncio.Task[Any]] = set()

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        task = asyncio.get_running_loop().create_task(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task
