"""Rate limits: a flooding member slows only themselves; logins are limited on Redis; handshakes per address."""

from __future__ import annotations

import asyncio
import json
import statistics
import time
import uuid
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from forum import services
from realtime import hub as hub_module
from realtime import limits

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def fresh_layer() -> Any:
    channel_layers.backends.clear()
    hub_module._hubs.clear()
    yield
    channel_layers.backends.clear()
    hub_module._hubs.clear()


@pytest.fixture
def room(make_user: Any) -> dict[str, Any]:
    owner = make_user(name="Olga")
    flooder = make_user(name="Floor Flood")
    other = make_user(name="Rustige Ria")
    community = services.create_community(
        actor=owner, name="Drukke kring", kind="hub", description="d", waaromvraag="w", visibility="open"
    )
    services.join_community(actor=flooder, community=community)
    services.join_community(actor=other, community=community)
    room = community.rooms.get()
    topic = services.create_topic(actor=owner, room=room, title="Druk")
    return {"flooder": flooder, "other": other, "room": room.pk, "topic": topic.pk}


async def open_socket(client: Any, user: Any, address: str = "127.0.0.1") -> WebsocketCommunicator:
    from config.asgi import application

    await sync_to_async(client.force_login)(user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    communicator = WebsocketCommunicator(
        application,
        "/ws/",
        headers=[(b"origin", b"http://localhost"), (b"host", b"localhost"), (b"cookie", cookie.encode())],
    )
    communicator.scope["client"] = (address, 40000)
    connected, code = await communicator.connect(timeout=5)
    assert connected, code
    assert json.loads(await communicator.receive_from(timeout=5))["type"] == "hello"
    return communicator


async def post_and_time(sock: WebsocketCommunicator, room: int, topic: int, n: int, pause: float) -> list[float]:
    latencies = []
    for i in range(n):
        client_id = str(uuid.uuid4())
        started = time.perf_counter()
        await sock.send_to(
            text_data=json.dumps(
                {"type": "post", "room": room, "topic": topic, "body": f"rustig {i}", "client_id": client_id}
            )
        )
        while True:
            frame = json.loads(await sock.receive_from(timeout=10))
            if frame["type"] == "ack" and frame["client_id"] == client_id:
                break
            assert frame["type"] != "error", f"the quiet member was refused: {frame}"
        latencies.append(time.perf_counter() - started)
        await asyncio.sleep(pause)
    return latencies


async def test_a_flooding_member_slows_only_themselves(client: Client, room: dict[str, Any]) -> None:
    quiet = await open_socket(Client(), room["other"])
    baseline = await post_and_time(quiet, room["room"], room["topic"], 5, 0.25)

    flood = await open_socket(client, room["flooder"])
    counts = {"sent": 0, "acked": 0, "rate_limited": 0}
    stop = asyncio.Event()

    async def flooding() -> None:
        # Pipelined: 50 posts at a time without waiting, then read the 50 answers.
        while not stop.is_set():
            for _ in range(50):
                frame = {
                    "type": "post",
                    "room": room["room"],
                    "topic": room["topic"],
                    "body": "spam",
                    "client_id": str(uuid.uuid4()),
                }
                await flood.send_to(text_data=json.dumps(frame))
                counts["sent"] += 1
            for _ in range(50):
                answer = json.loads(await flood.receive_from(timeout=30))
                while answer["type"] not in ("ack", "error"):
                    answer = json.loads(await flood.receive_from(timeout=30))
                if answer["type"] == "ack":
                    counts["acked"] += 1
                elif answer.get("code") == "rate_limited":
                    counts["rate_limited"] += 1

    flood_started = time.monotonic()
    flooder_task = asyncio.create_task(flooding())
    await asyncio.sleep(0.3)
    during = await post_and_time(quiet, room["room"], room["topic"], 5, 0.25)  # 5 posts in 1.25 s: within 20 + 5/s
    stop.set()
    await flooder_task
    flood_seconds = time.monotonic() - flood_started
    await flood.disconnect()
    await quiet.disconnect()
    print(
        f"\nflood: flooder sent {counts['sent']}, acked {counts['acked']}, rate_limited {counts['rate_limited']}; "
        f"quiet member's ack latency median {statistics.median(baseline) * 1000:.1f} ms before, "
        f"{statistics.median(during) * 1000:.1f} ms during (max {max(during) * 1000:.1f} ms)"
    )
    assert counts["rate_limited"] > 0, "the flood was not limited"
    assert counts["acked"] <= 20 + 5 * flood_seconds + 1, "the flooder got more than the burst plus the rate"
    assert max(during) < 1.0, "the quiet member waited on the flooder"


async def test_handshakes_per_address_are_limited(client: Client, room: dict[str, Any], settings: Any) -> None:
    from config import asgi

    limiter = asgi.application.application_mapping["websocket"]
    assert isinstance(limiter, limits.ConnectionRateLimit)
    limiter.buckets.clear()
    old = limiter.burst, limiter.rate
    limiter.burst, limiter.rate = 5.0, 0.5
    try:
        opened = []
        for _ in range(5):
            opened.append(await open_socket(client, room["other"], address="203.0.113.7"))
        # The sixth attempt from that address is accepted and closed at once with 4429.
        from config.asgi import application

        cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        refused = WebsocketCommunicator(
            application,
            "/ws/",
            headers=[(b"origin", b"http://localhost"), (b"host", b"localhost"), (b"cookie", cookie.encode())],
        )
        refused.scope["client"] = ("203.0.113.7", 40001)
        connected, _ = await refused.connect(timeout=5)
        assert connected
        closed = await refused.receive_output(timeout=5)
        assert closed == {"type": "websocket.close", "code": 4429}
        # Another address is not affected.
        opened.append(await open_socket(client, room["other"], address="198.51.100.9"))
        for sock in opened:
            await sock.disconnect()
    finally:
        limiter.burst, limiter.rate = old
        limiter.buckets.clear()


def test_the_bucket_refills() -> None:
    limiter = limits.ConnectionRateLimit(None, burst=2, rate=1)
    assert limiter.allow("a", now=0.0) and limiter.allow("a", now=0.0)
    assert not limiter.allow("a", now=0.1)
    assert limiter.allow("a", now=1.2)
    assert limiter.allow("b", now=0.1)


@pytest.mark.redis
def test_login_attempts_are_limited_on_redis(make_user: Any) -> None:
    from django.core.cache import cache

    assert "redis" in settings.CACHES["default"]["BACKEND"].lower(), "limits must live in the shared cache"
    make_user(name="Lotte", email="lotte@example.test")
    client = Client()
    statuses = []
    for _ in range(8):
        response = client.post("/accounts/login/", {"login": "lotte@example.test", "password": "wrong"})
        statuses.append(response.status_code)
    assert statuses == [200] * 8  # the form, with an error each time
    # The counters are in Redis, shared by every server process.
    keys = cache._cache.get_client().keys("*rl*")  # type: ignore[attr-defined]
    assert keys, "no rate-limit counters in Redis"
    # allauth allows 5 failed logins per address and key; after that even the right password is refused.
    response = client.post("/accounts/login/", {"login": "lotte@example.test", "password": "secret-pass-123"})
    assert response.status_code in (200, 429), response.status_code
    assert "_auth_user_id" not in client.session
    text = response.content.decode()
    assert "Too many failed login attempts" in text or "Te veel inlogpogingen" in text, text[:2000]
    # Another member's login from elsewhere is not affected.
    make_user(name="Mark", email="mark@example.test")
    other = Client(REMOTE_ADDR="192.0.2.44")
    assert (
        other.post("/accounts/login/", {"login": "mark@example.test", "password": "secret-pass-123"}).status_code == 302
    )


@pytest.mark.redis
def test_signups_are_limited_on_redis() -> None:
    client = Client()
    statuses = []
    for i in range(22):
        response = client.post(
            "/accounts/signup/", {"email": f"nieuw{i}@example.test", "password1": "x", "password2": "y"}
        )
        statuses.append(response.status_code)
    assert 429 in statuses, statuses
