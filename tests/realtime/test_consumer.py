"""The /ws/ endpoint through Channels' WebsocketCommunicator: frames, errors, permissions."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from asgiref.sync import sync_to_async

from core import ratelimit
from forum import services
from forum.models import Membership, MembershipState, Message

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(make_user: Any) -> dict[str, Any]:
    owner = make_user(name="Olga")
    member = make_user(name="Mo")
    outsider = make_user(name="Otto")
    community = services.create_community(
        actor=owner, name="Kring", kind="hub", description="d", waaromvraag="w", visibility="on_request"
    )
    Membership.objects.create(community=community, user=member, state=MembershipState.ACTIVE)
    room = community.rooms.get()
    topic = services.create_topic(actor=owner, room=room, title="Live")
    for i in range(3):
        services.post_message(actor=owner, topic=topic, body=f"oud {i}", client_id=uuid.uuid4())
    return {
        "owner": owner,
        "member": member,
        "outsider": outsider,
        "community": community,
        "room": room,
        "topic": topic,
    }


async def test_anonymous_and_cross_origin_handshakes_are_refused(connect, world) -> None:  # type: ignore[no-untyped-def]
    connected, code, sock = await connect(None)
    # Accepted, then closed with 4401 (issue 22: a close before accept is an HTTP 403 on the wire).
    assert not connected and code == 4401 and sock.accepted
    connected, _code, sock = await connect(world["member"], origin="https://evil.example")
    assert not connected and not sock.accepted  # the Origin check refuses during the handshake


async def test_subscribe_replays_after_seq_then_streams_live(connect, world) -> None:  # type: ignore[no-untyped-def]
    _, _, sock = await connect(world["member"])
    await sock.send({"type": "subscribe", "room": world["room"].pk, "after_seq": 1})
    subscribed = await sock.recv()
    assert subscribed == {"type": "subscribed", "room": world["room"].pk, "head_seq": 3, "replayed": 2}
    replay = [await sock.recv(), await sock.recv()]
    assert [f["seq"] for f in replay] == [2, 3]
    assert (await sock.recv())["type"] == "caught_up"
    await sock.recv_until("presence")
    await sync_to_async(services.post_message)(
        actor=world["owner"], topic=world["topic"], body="nieuw", client_id=uuid.uuid4()
    )
    live, _ = await sock.recv_until("message")
    assert live["seq"] == 4 and "nieuw" in live["html"]


async def test_post_acks_with_seq_and_retry_does_not_double(connect, world) -> None:  # type: ignore[no-untyped-def]
    _, _, sock = await connect(world["member"])
    room, topic = world["room"].pk, world["topic"].pk
    await sock.send({"type": "subscribe", "room": room})
    await sock.recv_until("caught_up")
    client_id = str(uuid.uuid4())
    frame = {
        "type": "post",
        "room": room,
        "topic": topic,
        "body": "hallo **live**",
        "client_id": client_id,
        "ref": "p1",
    }
    await sock.send(frame)
    ack, _seen = await sock.recv_until("ack")
    assert ack == {"type": "ack", "room": room, "client_id": client_id, "seq": 4, "ref": "p1"}
    await sock.send(frame)  # a retry after a lost ack
    ack2, _ = await sock.recv_until("ack")
    assert ack2["seq"] == 4
    assert await sync_to_async(Message.objects.filter(client_id=client_id).count)() == 1


async def test_edit_delete_react_read_typing_ping(connect, world) -> None:  # type: ignore[no-untyped-def]
    _, _, owner = await connect(world["owner"])
    _, _, member = await connect(world["member"])
    room = world["room"].pk
    for sock in (owner, member):
        await sock.send({"type": "subscribe", "room": room})
        await sock.recv_until("caught_up")
    await owner.send({"type": "edit", "room": room, "seq": 1, "body": "bijgewerkt"})
    edited, _ = await member.recv_until("message_edited")
    assert edited["seq"] == 1 and "bijgewerkt" in edited["html"] and edited["edited"]
    await member.send({"type": "react", "room": room, "seq": 1, "emoji": "👍"})
    reaction, _ = await owner.recv_until("reaction")
    assert reaction["reactions"] == {"👍": [world["member"].pk]}
    await owner.send({"type": "delete", "room": room, "seq": 2})
    deleted, _ = await member.recv_until("message_deleted")
    assert deleted["seq"] == 2
    await member.send({"type": "read", "room": room, "seq": 3})
    state, _ = await member.recv_until("read_state")
    assert state["seq"] == 3
    await member.send({"type": "typing", "room": room, "topic": world["topic"].pk})
    typing, _ = await owner.recv_until("typing")
    assert typing["user"]["id"] == world["member"].pk
    await member.send({"type": "ping"})
    await member.recv_until("pong")


async def test_fetch_fills_a_gap(connect, world) -> None:  # type: ignore[no-untyped-def]
    _, _, sock = await connect(world["member"])
    room = world["room"].pk
    await sock.send({"type": "subscribe", "room": room})
    await sock.recv_until("caught_up")
    await sock.send({"type": "fetch", "room": room, "from_seq": 1, "to_seq": 3})
    _, frames = await sock.recv_until("caught_up")
    assert [f["seq"] for f in frames if f["type"] == "message"] == [1, 2, 3]
    await sock.send({"type": "fetch", "room": room, "from_seq": 5, "to_seq": 1})
    error, _ = await sock.recv_until("error")
    assert error["code"] == "bad_range"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("not json", "bad_json"),
        ("[1, 2]", "bad_frame"),
        (json.dumps({"type": "launch"}), "unknown_type"),
        (json.dumps({"type": "subscribe"}), "bad_frame"),
        (json.dumps({"type": "subscribe", "room": "1"}), "bad_frame"),
        (json.dumps({"type": "subscribe", "room": -1}), "bad_frame"),
        (json.dumps({"type": "post", "room": 1, "topic": 1, "body": "x", "client_id": "not-a-uuid"}), "bad_frame"),
        (json.dumps({"type": "ping", "extra": 1}), "bad_frame"),
        (json.dumps({"type": "ping", "pad": "x" * 20000}), "too_large"),
        ("[" * 5000 + "]" * 5000, "bad_json"),
    ],
)
async def test_bad_input_gets_an_error_frame_and_the_socket_stays_usable(connect, world, raw: str, code: str) -> None:  # type: ignore[no-untyped-def]
    _, _, sock = await connect(world["member"])
    await sock.send(raw)
    error = await sock.recv()
    assert error["type"] == "error" and error["code"] == code, error
    await sock.send({"type": "ping"})
    assert (await sock.recv())["type"] == "pong"


async def test_permissions_on_every_frame(connect, world) -> None:  # type: ignore[no-untyped-def]
    room, topic = world["room"].pk, world["topic"].pk
    _, _, outsider = await connect(world["outsider"])
    await outsider.send({"type": "subscribe", "room": room, "ref": "s"})
    error = await outsider.recv()
    assert error["code"] == "not_found" and error["ref"] == "s"
    await outsider.send({"type": "post", "room": room, "topic": topic, "body": "x", "client_id": str(uuid.uuid4())})
    assert (await outsider.recv())["code"] == "not_found"
    await outsider.send({"type": "typing", "room": room})
    assert (await outsider.recv())["code"] == "not_subscribed"
    await outsider.send({"type": "subscribe", "room": 999999})
    assert (await outsider.recv())["code"] == "not_found"

    _, _, member = await connect(world["member"])
    await member.send({"type": "subscribe", "room": room})
    await member.recv_until("caught_up")
    await member.send({"type": "edit", "room": room, "seq": 1, "body": "niet van mij"})
    error, _ = await member.recv_until("error")
    assert error["code"] == "forbidden"
    await member.send({"type": "react", "room": room, "seq": 1, "emoji": "ab"})  # not an emoji
    error, _ = await member.recv_until("error")
    assert error["code"] == "invalid"


async def test_ban_ends_the_subscription(connect, world) -> None:  # type: ignore[no-untyped-def]
    _, _, member = await connect(world["member"])
    room = world["room"].pk
    await member.send({"type": "subscribe", "room": room})
    await member.recv_until("caught_up")
    await sync_to_async(services.ban_member)(actor=world["owner"], community=world["community"], user=world["member"])
    frame, _ = await member.recv_until("unsubscribed", timeout=5)
    assert frame == {"type": "unsubscribed", "room": room, "reason": "access_revoked"}
    await sync_to_async(services.post_message)(
        actor=world["owner"], topic=world["topic"], body="na ban", client_id=uuid.uuid4()
    )
    assert await member.nothing(0.5)


async def test_slow_mode_error_has_the_wait(connect, world) -> None:  # type: ignore[no-untyped-def]
    await sync_to_async(services.update_room)(actor=world["owner"], room=world["room"], slow_mode_seconds=30)
    _, _, member = await connect(world["member"])
    room, topic = world["room"].pk, world["topic"].pk
    for i in range(2):
        await member.send(
            {"type": "post", "room": room, "topic": topic, "body": f"m{i}", "client_id": str(uuid.uuid4())}
        )
    await member.recv_until("ack")
    error, _ = await member.recv_until("error")
    assert error["code"] == "slow_mode" and 0 < error["wait_seconds"] <= 30


async def test_write_rate_limit_per_user(connect, world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # Time stands still: 25 frames against a burst of 20 (CI failed when a loaded machine took
    # long enough between frames to refill the bucket).
    monkeypatch.setattr(ratelimit, "clock", lambda: 1000.0)
    _, _, member = await connect(world["member"])
    room = world["room"].pk
    for _ in range(25):
        await member.send({"type": "read", "room": room, "seq": 1})
    codes = []
    for _ in range(25):
        frame = await member.recv()
        codes.append(frame.get("code", frame["type"]))
    assert codes.count("rate_limited") == 5
    assert codes.count("read_state") == 20


async def test_subscription_limit(connect, world, settings) -> None:  # type: ignore[no-untyped-def]
    from realtime import protocol

    _, _, member = await connect(world["member"])
    room = world["room"].pk
    original = protocol.MAX_SUBSCRIPTIONS
    protocol.MAX_SUBSCRIPTIONS = 0
    try:
        await member.send({"type": "subscribe", "room": room})
        error, _ = await member.recv_until("error")
        assert error["code"] == "too_many_subscriptions"
    finally:
        protocol.MAX_SUBSCRIPTIONS = original


async def test_unsubscribe_stops_delivery(connect, world) -> None:  # type: ignore[no-untyped-def]
    _, _, sock = await connect(world["member"])
    room = world["room"].pk
    await sock.send({"type": "subscribe", "room": room})
    await sock.recv_until("caught_up")
    await sock.send({"type": "unsubscribe", "room": room})
    frame, _ = await sock.recv_until("unsubscribed")
    assert frame["reason"] == "requested"
    await sync_to_async(services.post_message)(
        actor=world["owner"], topic=world["topic"], body="stil", client_id=uuid.uuid4()
    )
    frames = []
    while not await sock.nothing(0.5):
        frames.append(await sock.recv())
    assert not [f for f in frames if f["type"] == "message"]


async def test_logout_closes_the_socket_of_that_session(connect, world, client) -> None:  # type: ignore[no-untyped-def]
    from realtime import protocol

    _, _, sock = await connect(world["member"])
    await sync_to_async(client.logout)()
    output = await sock.communicator.receive_output(timeout=5)
    while output["type"] == "websocket.send":
        output = await sock.communicator.receive_output(timeout=5)
    assert output == {"type": "websocket.close", "code": protocol.CLOSE_LOGGED_OUT}


async def test_database_outage_gives_an_error_frame_never_an_ack(connect, world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from django.db import OperationalError

    from realtime import actions

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OperationalError("connection refused")

    monkeypatch.setattr(actions, "post_batch", broken)
    _, _, sock = await connect(world["member"])
    client_id = str(uuid.uuid4())
    await sock.send(
        {"type": "post", "room": world["room"].pk, "topic": world["topic"].pk, "body": "x", "client_id": client_id}
    )
    frame = await sock.recv()
    assert frame["type"] == "error" and frame["code"] == "unavailable" and frame["client_id"] == client_id
    await sock.send({"type": "ping"})
    assert (await sock.recv())["type"] == "pong"


async def test_unexpected_fault_gives_internal_error_and_socket_survives(connect, world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from realtime import actions

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise KeyError("surprise")

    monkeypatch.setattr(actions, "read", broken)
    _, _, sock = await connect(world["member"])
    await sock.send({"type": "read", "room": world["room"].pk, "seq": 1})
    frame = await sock.recv()
    assert frame["code"] == "internal"
    await sock.send({"type": "ping"})
    assert (await sock.recv())["type"] == "pong"


async def test_client_that_stops_reading_is_dropped(connect, world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from realtime import connection, protocol
    from realtime import hub as hub_module

    monkeypatch.setattr(connection, "MAX_QUEUED_FRAMES", 5)
    await connect(world["member"])
    conn = next(iter(next(iter(hub_module._hubs.values())).connections))
    from collections import deque

    conn.queue = deque("x" * 10)  # frames piled up faster than the (stalled) client takes them
    conn.enqueue('{"type":"pong"}')
    assert conn.close_code == protocol.CLOSE_TOO_SLOW


async def test_idle_socket_is_closed(connect, world) -> None:  # type: ignore[no-untyped-def]
    import time

    from realtime import connection, protocol
    from realtime import hub as hub_module

    _, _, sock = await connect(world["member"])
    conn = next(iter(next(iter(hub_module._hubs.values())).connections))
    conn.check_idle(time.monotonic() + connection.idle_seconds() + 1)
    output = await sock.communicator.receive_output(timeout=3)
    assert output == {"type": "websocket.close", "code": protocol.CLOSE_IDLE}


async def test_oversized_post_body(connect, world) -> None:  # type: ignore[no-untyped-def]
    _, _, sock = await connect(world["member"])
    await sock.send(
        {
            "type": "post",
            "room": world["room"].pk,
            "topic": world["topic"].pk,
            "body": "é" * 10_001,
            "client_id": str(uuid.uuid4()),
        }
    )
    frame = await sock.recv()
    assert frame["code"] == "too_large"


async def test_a_member_muted_while_connected_cannot_post(connect, world) -> None:  # type: ignore[no-untyped-def]
    """Regression: the socket's user cached its membership at subscribe, so a mute went unseen."""
    _, _, member = await connect(world["member"])
    room, topic = world["room"].pk, world["topic"].pk
    await member.send({"type": "subscribe", "room": room})
    await member.recv_until("caught_up")
    await member.send({"type": "post", "room": room, "topic": topic, "body": "voor", "client_id": str(uuid.uuid4())})
    await member.recv_until("ack")
    await sync_to_async(services.mute_member)(
        actor=world["owner"], community=world["community"], user=world["member"], minutes=10
    )
    client_id = str(uuid.uuid4())
    await member.send({"type": "post", "room": room, "topic": topic, "body": "na", "client_id": client_id})
    error, seen = await member.recv_until("error")
    assert error["code"] == "forbidden" and error["client_id"] == client_id
    assert not any(f["type"] == "ack" for f in seen)
    assert not await sync_to_async(Message.objects.filter(client_id=client_id).exists)()


async def test_posts_from_many_sockets_at_once_are_each_acked_and_delivered_in_order(
    connect, world, make_user, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Posts that arrive together share a transaction; every one still gets its ack and frame."""
    from realtime import actions

    sizes: list[int] = []
    real = actions.post_batch

    def recording(posts):  # type: ignore[no-untyped-def]
        sizes.append(len(posts))
        return real(posts)

    monkeypatch.setattr(actions, "post_batch", recording)
    room, topic = world["room"].pk, world["topic"].pk
    users = [world["owner"], world["member"]]
    for i in range(3):
        user = await sync_to_async(make_user)(name=f"Poster {i}")
        await sync_to_async(Membership.objects.create)(
            community=world["community"], user=user, state=MembershipState.ACTIVE
        )
        users.append(user)
    sockets = []
    for user in users:
        _, _, sock = await connect(user)
        await sock.send({"type": "subscribe", "room": room})
        await sock.recv_until("caught_up")
        sockets.append(sock)
    sent: dict[int, list[str]] = {}
    for round_ in range(4):
        for n, sock in enumerate(sockets):
            client_id = str(uuid.uuid4())
            sent.setdefault(n, []).append(client_id)
            await sock.send(
                {"type": "post", "room": room, "topic": topic, "body": f"r{round_} s{n}", "client_id": client_id}
            )
    total = 4 * len(sockets)
    for n, sock in enumerate(sockets):
        acks, seqs = [], []
        while len(acks) < 4 or len(seqs) < total:
            frame = await sock.recv(timeout=10)
            if frame["type"] == "ack":
                acks.append(frame["client_id"])
            elif frame["type"] == "message":
                seqs.append(frame["seq"])
        assert acks == sent[n]
        assert seqs == list(range(4, 4 + total))  # the fixture's 3 messages came first
    stored = await sync_to_async(list)(
        Message.objects.filter(room_id=room).order_by("seq").values_list("seq", flat=True)
    )
    assert stored == list(range(1, 4 + total))
    assert sum(sizes) == total


async def test_a_session_ended_by_a_password_change_cannot_open_a_socket(connect, world, client) -> None:  # type: ignore[no-untyped-def]
    from channels.testing import WebsocketCommunicator

    from config.asgi import application
    from tests.realtime.conftest import session_cookie

    member = world["member"]
    cookie = await sync_to_async(session_cookie)(client, member)

    def change_password() -> None:
        member.set_password("een-heel-nieuw-wachtwoord")
        member.save()

    await sync_to_async(change_password)()
    headers = [(b"origin", b"http://localhost"), (b"host", b"localhost"), (b"cookie", cookie)]
    communicator = WebsocketCommunicator(application, "/ws/", headers=headers)
    accepted, _ = await communicator.connect(timeout=5)
    closed = await communicator.receive_output(timeout=5)
    assert accepted and closed == {"type": "websocket.close", "code": 4401}


async def test_an_unknown_socket_path_is_closed_with_4404(world) -> None:  # type: ignore[no-untyped-def]
    from channels.testing import WebsocketCommunicator

    from config.asgi import application

    headers = [(b"origin", b"http://localhost"), (b"host", b"localhost")]
    communicator = WebsocketCommunicator(application, "/ws/elders/", headers=headers)
    accepted, _ = await communicator.connect(timeout=5)
    closed = await communicator.receive_output(timeout=5)
    assert accepted and closed == {"type": "websocket.close", "code": 4404}


# --- issue 22: the edges -----------------------------------------------------------------------


async def test_subscribe_beyond_the_head_answers_resync_with_the_head(connect, world) -> None:  # type: ignore[no-untyped-def]
    """Before: ``subscribed`` with the head, then ``caught_up`` at the client's own (non-existent)
    seq, so posts between the head and that seq were never delivered and no gap showed."""
    _, _, sock = await connect(world["member"])
    room = world["room"].pk  # head 3
    await sock.send({"type": "subscribe", "room": room, "after_seq": 416, "ref": "s1"})
    subscribed = await sock.recv()
    assert subscribed == {"type": "subscribed", "room": room, "head_seq": 3, "replayed": 0}
    assert await sock.recv() == {"type": "resync", "room": room, "reason": "ahead_of_head", "head_seq": 3, "ref": "s1"}
    assert await sock.recv() == {"type": "caught_up", "room": room, "seq": 3}
    # The live stream goes on from the head: the next post (seq 4) reaches the client.
    await sync_to_async(services.post_message)(
        actor=world["owner"], topic=world["topic"], body="na de terugzet", client_id=uuid.uuid4()
    )
    message, _ = await sock.recv_until("message")
    assert message["seq"] == 4


async def test_fetch_beyond_the_head_answers_resync_not_caught_up(connect, world) -> None:  # type: ignore[no-untyped-def]
    """Before: ``caught_up`` with a seq that does not exist (as 813 while the head was 417)."""
    _, _, sock = await connect(world["member"])
    room = world["room"].pk
    await sock.send({"type": "subscribe", "room": room})
    await sock.recv_until("caught_up")
    await sock.send({"type": "fetch", "room": room, "from_seq": 2, "to_seq": 417, "ref": "f"})
    answer, seen = await sock.recv_until("resync")
    assert answer == {"type": "resync", "room": room, "reason": "ahead_of_head", "head_seq": 3, "ref": "f"}
    assert not [f for f in seen if f["type"] in ("message", "caught_up")]


async def test_hello_limits_are_the_documented_integers(connect, world) -> None:  # type: ignore[no-untyped-def]
    """Before: floats (20.0) and no read rate."""
    from channels.testing import WebsocketCommunicator

    from config.asgi import application
    from tests.realtime.conftest import session_cookie
    from tests.realtime.test_protocol_doc import _examples

    documented = next(e for e in _examples("Server → client") if e["type"] == "hello")
    cookie = await sync_to_async(session_cookie)(__import__("django.test").test.Client(), world["member"])
    headers = [(b"origin", b"http://localhost"), (b"host", b"localhost"), (b"cookie", cookie)]
    communicator = WebsocketCommunicator(application, "/ws/", headers=headers)
    await communicator.connect(timeout=5)
    hello = json.loads(await communicator.receive_from(timeout=5))
    await communicator.disconnect()
    assert hello["limits"] == documented["limits"]
    assert all(type(v) is int for v in hello["limits"].values())


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (json.dumps({"type": "launch", "ref": "r1"}), "unknown_type"),
        (json.dumps({"type": "ping", "ref": "r1", "extra": 1}), "bad_frame"),
        (json.dumps({"type": "ping", "ref": "r1", "pad": "x" * 20000}), "too_large"),
        (
            json.dumps(
                {
                    "type": "post",
                    "room": 1,
                    "topic": 1,
                    "body": "x" * 10_001,
                    "client_id": str(uuid.uuid4()),
                    "ref": "r1",
                }
            ),
            "too_large",
        ),
    ],
)
async def test_every_error_answering_a_frame_carries_its_ref(connect, world, raw: str, code: str) -> None:  # type: ignore[no-untyped-def]
    """Before: bad_frame, unknown_type and too_large errors came without the frame's ref."""
    _, _, sock = await connect(world["member"])
    await sock.send(raw)
    error = await sock.recv()
    assert error["code"] == code and error["ref"] == "r1", error


async def test_typing_is_throttled_per_member_not_per_socket(connect, world) -> None:  # type: ignore[no-untyped-def]
    """Before: each socket had its own throttle, so a member with two tabs typed twice as often."""
    _, _, owner = await connect(world["owner"])
    _, _, tab1 = await connect(world["member"])
    _, _, tab2 = await connect(world["member"])
    room = world["room"].pk
    for sock in (owner, tab1, tab2):
        await sock.send({"type": "subscribe", "room": room})
        await sock.recv_until("caught_up")
    await tab1.send({"type": "typing", "room": room, "topic": world["topic"].pk})
    await tab2.send({"type": "typing", "room": room, "topic": world["topic"].pk})
    await owner.recv_until("typing")
    others = []
    while not await owner.nothing(timeout=0.5):
        others.append(await owner.recv())
    assert not [f for f in others if f["type"] == "typing"], others


async def test_a_text_with_control_characters_is_refused_with_its_field(connect, world) -> None:  # type: ignore[no-untyped-def]
    _, _, sock = await connect(world["member"])
    room = world["room"].pk
    await sock.send({"type": "subscribe", "room": room})
    await sock.recv_until("caught_up")
    client_id = str(uuid.uuid4())
    await sock.send(
        {"type": "post", "room": room, "topic": world["topic"].pk, "body": "a\x1bb", "client_id": client_id, "ref": "p"}
    )
    error, _ = await sock.recv_until("error")
    assert error["code"] == "invalid" and error["field"] == "body" and error["ref"] == "p", error


async def test_a_client_id_reused_in_another_room_is_refused_never_acked(connect, world) -> None:  # type: ignore[no-untyped-def]
    """Before: an ``ack`` carrying the seq of the earlier message in the other room; nothing stored."""
    other = await sync_to_async(services.create_room)(actor=world["owner"], community=world["community"], name="Twee")
    other_topic = await sync_to_async(services.create_topic)(actor=world["owner"], room=other, title="Ander")
    _, _, sock = await connect(world["owner"])
    client_id = str(uuid.uuid4())
    room = world["room"].pk
    await sock.send({"type": "post", "room": room, "topic": world["topic"].pk, "body": "een", "client_id": client_id})
    await sock.recv_until("ack")
    await sock.send(
        {"type": "post", "room": other.pk, "topic": other_topic.pk, "body": "twee", "client_id": client_id, "ref": "x"}
    )
    answer = await sock.recv()
    while answer["type"] not in ("ack", "error"):
        answer = await sock.recv()
    assert answer["type"] == "error" and answer["code"] == "client_id_reused" and answer["ref"] == "x", answer
    assert answer["client_id"] == client_id and answer["room"] == other.pk
