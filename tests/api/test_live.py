"""A message posted through the API arrives live on a real WebSocket, once, even when posted twice.

A real Daphne process serves both the API and the socket (PostgreSQL and Redis as in
production); the poster is another member, with a token; the listener a member's browser session.
"""

from __future__ import annotations

import asyncio
import json
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from websockets.asyncio.client import connect

from api import services as api_services
from forum import services as forum_services
from tests.realtime.e2e_support import DaphneServer, server_env

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def daphne(tmp_path: Path) -> Iterator[DaphneServer]:
    database_url = f"postgres://postgres@127.0.0.1:5432/{connection.settings_dict['NAME']}"
    server = DaphneServer(server_env(database_url=database_url, redis_url=settings.REDIS_URL), tmp_path / "daphne.log")
    server.start()
    try:
        server.wait_healthy()
        yield server
    finally:
        server.stop()


def _post(port: int, secret: str, room_id: int, payload: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/rooms/{room_id}/messages/",
        data=json.dumps(payload).encode(),
        headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=20) as answer:
        return answer.status, json.loads(answer.read())


def test_an_api_post_arrives_live_once(daphne: DaphneServer, make_user: Any) -> None:
    owner = make_user(name="Olga")
    poster = make_user(name="Piet")
    community = forum_services.create_community(
        actor=owner, name="Kring", kind="hub", description="d", waaromvraag="w", visibility="open"
    )
    forum_services.join_community(actor=poster, community=community)
    room = community.rooms.get()
    topic = forum_services.create_topic(actor=owner, room=room, title="Live")
    _token, secret = api_services.create_token(actor=poster, name="portaal", scopes=["read", "write"])
    browser = Client()
    browser.force_login(owner)
    cookie = f"{settings.SESSION_COOKIE_NAME}={browser.cookies[settings.SESSION_COOKIE_NAME].value}"
    port = daphne.port
    key = str(uuid.uuid4())
    payload = {"topic": topic.pk, "body": "Via de **API**", "client_id": key}

    async def go() -> list[dict[str, Any]]:
        headers = {"Origin": f"http://127.0.0.1:{port}", "Cookie": cookie}
        async with connect(f"ws://127.0.0.1:{port}/ws/", additional_headers=headers, proxy=None) as ws:
            assert json.loads(await ws.recv())["type"] == "hello"
            await ws.send(json.dumps({"type": "subscribe", "room": room.pk, "after_seq": room.last_seq, "ref": "s"}))
            while json.loads(await asyncio.wait_for(ws.recv(), 10))["type"] != "subscribed":
                pass
            first = await asyncio.to_thread(_post, port, secret, room.pk, payload)
            second = await asyncio.to_thread(_post, port, secret, room.pk, payload)
            assert first[0] == second[0] == 201
            assert first[1]["id"] == second[1]["id"] and first[1]["client_id"] == key
            frames = []
            try:
                while True:
                    frame = json.loads(await asyncio.wait_for(ws.recv(), 3))
                    if frame["type"] == "message":
                        frames.append(frame)
            except TimeoutError:
                pass
            return frames

    frames = asyncio.run(go())
    assert [f["client_id"] for f in frames] == [key], frames
    assert "<strong>API</strong>" in frames[0]["html"]
