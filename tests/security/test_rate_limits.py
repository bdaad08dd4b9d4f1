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
    """Post ``n`` messages one at a time; the seconds from each send to its ``ack``."""
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


# The quiet member's median ack latency during the flood may grow by this factor over the
# baseline measured in the same run, plus this margin for a loaded machine. Without the
# limit the flooder's writes queue in front of the quiet member's (one database thread), and
# the median grows by hundreds of milliseconds to seconds (checked by hand: WRITE_BUCKET set
# to (1e9, 1e9) makes this test fail).
SLOWDOWN_FACTOR = 3.0
SLOWDOWN_MARGIN = 0.15
QUIET_POSTS = 9


async def test_a_flooding_member_slows_only_themselves(client: Client, room: dict[str, Any]) -> None:
    from realtime.connection import WRITE_BUCKET

    burst, rate = WRITE_BUCKET
    quiet = await open_socket(Client(), room["other"])
    await post_and_time(quiet, room["room"], room["topic"], 2, 0.05)  # warm up: first queries, hub start
    baseline = await post_and_time(quiet, room["room"], room["topic"], QUIET_POSTS, 0.1)

    flood = await open_socket(client, room["flooder"])
    counts = {"sent": 0, "acked": 0, "rate_limited": 0, "other": 0}
    refusals: list[dict[str, Any]] = []
    window = {"first_send": 0.0, "last_ack": 0.0}
    stop = asyncio.Event()

    async def flooding() -> None:
        # Pipelined: 50 posts at a time without waiting, then read the 50 answers.
        while not stop.is_set():
            sent_ids = set()
            for _ in range(50):
                client_id = str(uuid.uuid4())
                sent_ids.add(client_id)
                frame = {"type": "post", "room": room["room"], "topic": room["topic"], "body": "spam"}
                if not window["first_send"]:
                    window["first_send"] = time.monotonic()
                await flood.send_to(text_data=json.dumps({**frame, "client_id": client_id}))
                counts["sent"] += 1
            for _ in range(50):
                answer = json.loads(await flood.receive_from(timeout=30))
                while answer["type"] not in ("ack", "error"):
                    answer = json.loads(await flood.receive_from(timeout=30))
                assert answer["client_id"] in sent_ids, answer
                if answer["type"] == "ack":
                    counts["acked"] += 1
                    window["last_ack"] = time.monotonic()
                elif answer.get("code") == "rate_limited":
                    counts["rate_limited"] += 1
                    refusals.append(answer)
                else:
                    counts["other"] += 1

    flooder_task = asyncio.create_task(flooding())
    await asyncio.sleep(0.2)
    during = await post_and_time(quiet, room["room"], room["topic"], QUIET_POSTS, 0.1)
    stop.set()
    await flooder_task
    await flood.disconnect()
    await quiet.disconnect()
    flood_seconds = window["last_ack"] - window["first_send"]
    before, under = statistics.median(baseline), statistics.median(during)
    print(
        f"\nflood: flooder sent {counts['sent']}, acked {counts['acked']} in {flood_seconds:.2f} s, "
        f"rate_limited {counts['rate_limited']}; quiet member's ack latency median {before * 1000:.1f} ms before, "
        f"{under * 1000:.1f} ms during (max {max(during) * 1000:.1f} ms)"
    )
    # The flooder is limited, told so per frame, and told when to try again.
    assert counts["rate_limited"] > 0, "the flood was not limited"
    assert counts["other"] == 0, "the flooder got errors other than rate_limited"
    assert counts["acked"] + counts["rate_limited"] == counts["sent"], "every post is answered exactly once"
    for refusal in refusals:
        assert refusal["room"] == room["room"]
        assert 0 < refusal["wait_seconds"] <= 1 / rate + 0.01, refusal  # retry info: within one token
    # The flooder gets at most the burst plus the rate over the time they flooded (one token of rounding).
    assert counts["acked"] >= burst, "the burst is allowed"
    assert counts["acked"] <= burst + rate * flood_seconds + 1, "the flooder got more than the burst plus the rate"
    # The quiet member: never refused (post_and_time asserts it), and not slowed beyond the baseline.
    assert under <= SLOWDOWN_FACTOR * before + SLOWDOWN_MARGIN, (
        f"the quiet member waited on the flooder: median {under * 1000:.0f} ms against {before * 1000:.0f} ms before"
    )


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


def test_a_refusal_never_reads_as_allowed() -> None:
    """``take`` returns 0.0 for "allowed". A refusal a few milliseconds short of a token rounded
    to 0.0 too, so the connection let the frame through without taking a token: a flooder got
    more than the burst plus the rate (found by the flood test on a loaded machine)."""
    bucket = hub_module.TokenBucket(20, 5)
    bucket.tokens = 0.999
    wait = bucket.take()
    assert wait > 0, "a frame without a whole token must be refused"
    assert bucket.tokens < 1
    bucket.tokens = 0.0
    assert bucket.take() == pytest.approx(0.2, abs=0.011)


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
