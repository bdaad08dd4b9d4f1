from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator
from django.conf import settings

from realtime import hub as hub_module


@pytest.fixture(autouse=True)
def fresh_layer() -> Iterator[None]:
    """Each test has its own event loop: give it a fresh layer and hub."""
    channel_layers.backends.clear()
    hub_module._hubs.clear()
    yield
    channel_layers.backends.clear()
    hub_module._hubs.clear()


def session_cookie(client: Any, user: Any) -> bytes:
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode()


class Socket:
    """A small wrapper around WebsocketCommunicator that speaks JSON frames."""

    def __init__(self, communicator: WebsocketCommunicator) -> None:
        self.communicator = communicator
        self.accepted = False  # the handshake was accepted (a close code, not an HTTP 403)

    async def send(self, frame: dict[str, Any] | str) -> None:
        await self.communicator.send_to(text_data=frame if isinstance(frame, str) else json.dumps(frame))

    async def recv(self, timeout: float = 3) -> dict[str, Any]:
        return json.loads(await self.communicator.receive_from(timeout=timeout))

    async def recv_until(self, kind: str, timeout: float = 3) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        seen = []
        while True:
            frame = await self.recv(timeout)
            if frame["type"] == kind:
                return frame, seen
            seen.append(frame)

    async def nothing(self, timeout: float = 0.3) -> bool:
        return await self.communicator.receive_nothing(timeout=timeout)

    async def close(self) -> None:
        await self.communicator.disconnect()


@pytest.fixture
async def connect(client: Any) -> AsyncIterator[Any]:
    from asgiref.sync import sync_to_async

    from config.asgi import application

    opened: list[Socket] = []

    async def open_socket(user: Any | None, origin: str = "http://localhost") -> tuple[bool, Any, Socket]:
        headers = [(b"origin", origin.encode()), (b"host", b"localhost")]
        if user is not None:
            headers.append((b"cookie", await sync_to_async(session_cookie)(client, user)))
        communicator = WebsocketCommunicator(application, "/ws/", headers=headers)
        accepted, code = await communicator.connect(timeout=5)
        socket = Socket(communicator)
        socket.accepted = accepted
        if not accepted:
            return False, code, socket  # refused during the handshake: HTTP 403 on a real server
        first = await communicator.receive_output(timeout=5)
        if first["type"] == "websocket.close":
            return False, first["code"], socket  # accepted, then closed with a Kring close code
        opened.append(socket)
        assert json.loads(first["text"])["type"] == "hello"
        return True, code, socket

    yield open_socket
    for socket in opened:
        with contextlib.suppress(Exception):  # already closed by the server
            await socket.close()
