"""What a client sees at the edges of the protocol, on the real servers (issue 22).

Channels' communicator shows what the application sends; these tests show what reaches a
client over TCP from Daphne and from uvicorn, where a close before the handshake's accept
is an HTTP 403 and where the transport has its own message-size limit.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from forum import services
from forum.models import Membership, MembershipState
from tests.realtime.e2e_support import TRANSPORT_MAX_BYTES, DaphneServer, UvicornServer, server_env

# What a client sees when a frame is over the transport's own limit.
OVER_TRANSPORT_LIMIT = {"daphne": 1006, "uvicorn": 1009}

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture(params=["daphne", "uvicorn"])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[DaphneServer]:
    database_url = f"postgres://postgres@127.0.0.1:5432/{connection.settings_dict['NAME']}"
    env = server_env(database_url=database_url, redis_url=settings.REDIS_URL)
    kind = UvicornServer if request.param == "uvicorn" else DaphneServer
    running = kind(env, tmp_path / f"{request.param}.log")
    running.start()
    try:
        running.wait_healthy()
        yield running
    finally:
        running.stop()


def _cookie(user: Any) -> str:
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


async def _close_code(port: int, path: str = "/ws/", cookie: str | None = None, origin: str | None = None) -> int:
    """Open a socket and return the close code the server ends it with (it must be accepted)."""
    headers = {"Origin": origin or f"http://127.0.0.1:{port}"}
    if cookie:
        headers["Cookie"] = cookie
    async with connect(f"ws://127.0.0.1:{port}{path}", additional_headers=headers, proxy=None) as ws:
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(ws.recv(), timeout=10)
    assert closed.value.rcvd is not None, "closed without a close frame"
    return closed.value.rcvd.code


def test_handshakes_that_kring_refuses_get_close_codes_not_http_403(server: DaphneServer, make_user: Any) -> None:
    """Before: anonymous, logged-out and wrong-path handshakes were HTTP 403 on the wire."""
    member = make_user(name="Mo")
    client = Client()
    client.force_login(member)
    stale = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    client.logout()  # the session is gone: the cookie is a logged-out one

    async def go() -> None:
        assert await _close_code(server.port) == 4401  # no cookie
        assert await _close_code(server.port, cookie=stale) == 4401  # logged out
        assert await _close_code(server.port, path="/ws/elders/") == 4404
        # The Origin check still refuses during the handshake: that is all a cross-site page may learn.
        with pytest.raises(InvalidStatus) as refused:
            async with connect(
                f"ws://127.0.0.1:{server.port}/ws/", additional_headers={"Origin": "https://evil.example"}, proxy=None
            ):
                pass
        assert refused.value.response.status_code == 403

    asyncio.run(go())


def test_oversized_and_bad_frames_are_answered_with_their_ref(server: DaphneServer, make_user: Any) -> None:
    """Before: a frame over ~1 MiB dropped the connection, and bad_frame, unknown_type and
    too_large errors came without the frame's ref. Now the transport takes frames up to
    1 MiB and Kring answers each; a frame beyond that is closed with 1009 by the server."""
    owner = make_user(name="Olga")
    community = services.create_community(
        actor=owner, name="Kring", kind="hub", description="d", waaromvraag="w", visibility="on_request"
    )
    member = make_user(name="Mo")
    Membership.objects.create(community=community, user=member, state=MembershipState.ACTIVE)
    cookie = _cookie(member)
    port = server.port
    server_name = "uvicorn" if isinstance(server, UvicornServer) else "daphne"

    async def go() -> None:
        headers = {"Origin": f"http://127.0.0.1:{port}", "Cookie": cookie}
        async with connect(f"ws://127.0.0.1:{port}/ws/", additional_headers=headers, proxy=None, max_size=None) as ws:
            hello = json.loads(await ws.recv())
            assert hello["type"] == "hello"
            assert all(type(v) is int for v in hello["limits"].values()), hello["limits"]
            assert hello["limits"]["reads_per_second"] == 20
            for size in (20_000, 200_000, TRANSPORT_MAX_BYTES - 1000):
                await ws.send(json.dumps({"type": "ping", "ref": f"big{size}", "pad": "x" * size}))
                answer = json.loads(await asyncio.wait_for(ws.recv(), timeout=10))
                assert answer["code"] == "too_large" and answer["ref"] == f"big{size}", answer
            for frame, code in (
                ({"type": "ping", "ref": "b1", "extra": 1}, "bad_frame"),
                ({"type": "launch", "ref": "u1"}, "unknown_type"),
                ({"type": "subscribe", "room": "12", "ref": "b2"}, "bad_frame"),
            ):
                await ws.send(json.dumps(frame))
                answer = json.loads(await asyncio.wait_for(ws.recv(), timeout=10))
                assert answer["code"] == code and answer["ref"] == frame["ref"], answer
            await ws.send(json.dumps({"type": "ping"}))
            assert json.loads(await asyncio.wait_for(ws.recv(), timeout=10)) == {"type": "pong"}
            # Beyond the transport's limit the server ends the connection without reading the
            # frame: uvicorn with a close frame (1009, message too big), Daphne (autobahn)
            # by dropping the TCP connection (the client sees 1006), as docs/protocol.md says.
            await ws.send(json.dumps({"type": "ping", "pad": "x" * (TRANSPORT_MAX_BYTES + 10)}))
            with pytest.raises(ConnectionClosed) as closed:
                await asyncio.wait_for(ws.recv(), timeout=10)
            code = closed.value.rcvd.code if closed.value.rcvd is not None else 1006
            assert code == OVER_TRANSPORT_LIMIT[server_name], closed.value

    asyncio.run(go())
