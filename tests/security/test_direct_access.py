"""Direct conversations over the WebSocket: an outsider can neither subscribe, fetch nor post, a
blocked member cannot post (the same service refuses as over HTTP), and a participant can."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from django.test import Client

from forum import services
from forum.models import Membership, MembershipState
from tests.security.counts import record_count

pytestmark = pytest.mark.django_db(transaction=True)


def world(make_user: Any) -> dict[str, Any]:
    anna, bram, otto = make_user(name="Anna"), make_user(name="Bram"), make_user(name="Otto Buiten")
    community = services.create_community(actor=anna, name="Kring", kind="hub", description="d", waaromvraag="w")
    Membership.objects.create(community=community, user=bram, state=MembershipState.ACTIVE)
    Membership.objects.create(community=community, user=otto, state=MembershipState.ACTIVE)
    room = services.open_conversation(actor=anna, others=[bram])
    topic = room.topics.get()
    services.post_message(actor=anna, topic=topic, body="GEHEIM-DM voor Bram", client_id=uuid.uuid4())
    return {"anna": anna, "bram": bram, "otto": otto, "room": room, "topic": topic}


async def frames_for(user: Any, frames: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    from channels.layers import channel_layers
    from channels.testing import WebsocketCommunicator
    from django.conf import settings

    from config.asgi import application
    from realtime import hub as hub_module

    channel_layers.backends.clear()
    hub_module._hubs.clear()
    client = Client()
    await sync_to_async(client.force_login)(user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    communicator = WebsocketCommunicator(
        application,
        "/ws/",
        headers=[(b"origin", b"http://localhost"), (b"host", b"localhost"), (b"cookie", cookie.encode())],
    )
    connected, _ = await communicator.connect(timeout=5)
    assert connected
    assert json.loads(await communicator.receive_from(timeout=5))["type"] == "hello"
    answers = []
    for frame in frames:
        await communicator.send_to(text_data=json.dumps(frame))
        got = []
        while not await communicator.receive_nothing(timeout=0.5):
            got.append(json.loads(await communicator.receive_from(timeout=5)))
        answers.append(got)
    await communicator.disconnect()
    channel_layers.backends.clear()
    hub_module._hubs.clear()
    return answers


def post_frame(w: dict[str, Any], body: str) -> dict[str, Any]:
    return {"type": "post", "room": w["room"].pk, "topic": w["topic"].pk, "body": body, "client_id": str(uuid.uuid4())}


async def test_outsider_and_blocked_member_over_the_websocket(make_user: Any) -> None:
    w = await sync_to_async(world)(make_user)
    room = w["room"].pk
    subscribe = {"type": "subscribe", "room": room, "after_seq": 0}
    fetch = {"type": "fetch", "room": room, "from_seq": 1, "to_seq": 1}

    # Otto shares the community but not the conversation: nothing of it, not even that it exists.
    otto = await frames_for(w["otto"], [subscribe, post_frame(w, "ik ook"), fetch])
    assert "GEHEIM-DM" not in json.dumps(otto)
    assert [a["code"] for a in otto[0]] == ["not_found"]
    assert [a["code"] for a in otto[1]] == ["not_found"]
    assert otto[2][0]["type"] == "error"

    # Bram is blocked by Anna: he may still read what he had, but his post is refused.
    await sync_to_async(services.block_member)(actor=w["anna"], user=w["bram"])
    bram = await frames_for(w["bram"], [subscribe, post_frame(w, "na de blokkade")])
    assert bram[0][0]["type"] == "subscribed"
    assert [a.get("code") for a in bram[1] if a["type"] == "error"] == ["blocked"], bram[1]

    # Anna (the blocker) may still write; unblocked, Bram may answer again.
    anna = await frames_for(w["anna"], [post_frame(w, "nog van Anna")])
    assert anna[0][0]["type"] == "ack"
    await sync_to_async(services.unblock_member)(actor=w["anna"], user=w["bram"])
    bram_again = await frames_for(w["bram"], [post_frame(w, "weer welkom")])
    assert bram_again[0][0]["type"] == "ack"
    from forum.models import Message

    bodies = [m async for m in Message.objects.filter(room_id=room).order_by("seq").values_list("body", flat=True)]
    assert bodies == ["GEHEIM-DM voor Bram", "nog van Anna", "weer welkom"]
    record_count("access matrix", "direct conversation over the WebSocket: outsider 3 frames, blocked member 2")
