"""Issue 14's frames through the socket: ``article`` and ``reply_to`` in message frames, ``chips`` in
reaction frames, the ``topic`` frame on every change of a topic, and replies in post frames."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from asgiref.sync import sync_to_async

from forum import services
from forum.models import Membership, MembershipState, Message, Room
from realtime import protocol

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(make_user: Any) -> dict[str, Any]:
    owner = make_user(name="Olga Owner")
    member = make_user(name="Mo Member")
    community = services.create_community(
        actor=owner, name="Kring", kind="hub", description="d", waaromvraag="w", visibility="on_request"
    )
    Membership.objects.create(community=community, user=member, state=MembershipState.ACTIVE)
    room = community.rooms.get()
    other_room = services.create_room(actor=owner, community=community, name="Elders")
    topic = services.create_topic(actor=owner, room=room, title="Live", body="De vraag", is_question=True)
    other_topic = services.create_topic(actor=owner, room=room, title="Ander onderwerp", body="Iets anders")
    return {
        "owner": owner,
        "member": member,
        "room": room,
        "other_room": other_room,
        "topic": topic,
        "other_topic": other_topic,
    }


async def _subscribed(connect: Any, user: Any, *rooms: Room) -> Any:
    _, _, sock = await connect(user)
    for room in rooms:
        await sock.send({"type": "subscribe", "room": room.pk})
        await sock.recv_until("caught_up")
    return sock


async def test_a_live_reply_carries_its_article_and_reply_to(connect, world, client) -> None:  # type: ignore[no-untyped-def]
    room, topic = world["room"], world["topic"]
    first = await sync_to_async(Message.objects.get)(topic=topic, seq=1)
    owner = await _subscribed(connect, world["owner"], room)
    member = await _subscribed(connect, world["member"], room)
    await member.send(
        {
            "type": "post",
            "room": room.pk,
            "topic": topic.pk,
            "body": "Ja, **wij**!",
            "client_id": str(uuid.uuid4()),
            "reply_to": first.pk,
            "ref": "r1",
        }
    )
    ack, _ = await member.recv_until("ack")
    frame, _ = await owner.recv_until("message")
    protocol.validate_server_frame(frame)
    assert frame["seq"] == ack["seq"] and frame["reply_to"] == first.seq
    article = frame["article"]
    assert article.startswith(f'<article class="message" id="m{ack["seq"]}" data-seq="{ack["seq"]}"')
    assert f'data-author-id="{world["member"].pk}"' in article and "<strong>wij</strong>" in article
    assert f'<blockquote class="message-reply" data-reply-seq="{first.seq}"><a href="#m{first.seq}">' in article
    assert "Olga Owner" in article and "De vraag" in article
    # The one renderer: the page's older-messages fragment has the same article.
    await sync_to_async(client.force_login)(world["owner"])
    response = await sync_to_async(client.get)(f"/gemeenschappen/onderwerp/{topic.pk}/berichten/?before=999")
    assert article in response.content.decode()
    # A reply to a message of another topic is refused with its field, never acked.
    elsewhere = await sync_to_async(Message.objects.get)(topic=world["other_topic"])
    await member.send(
        {
            "type": "post",
            "room": room.pk,
            "topic": topic.pk,
            "body": "verkeerd",
            "client_id": str(uuid.uuid4()),
            "reply_to": elsewhere.pk,
            "ref": "r2",
        }
    )
    error, seen = await member.recv_until("error")
    assert error["field"] == "reply_to" and error["ref"] == "r2"
    assert not [f for f in seen if f["type"] == "ack"]


async def test_reaction_frames_carry_the_rendered_chips(connect, world) -> None:  # type: ignore[no-untyped-def]
    room = world["room"]
    owner = await _subscribed(connect, world["owner"], room)
    member = await _subscribed(connect, world["member"], room)
    await member.send({"type": "react", "room": room.pk, "seq": 1, "emoji": "👍"})
    frame, _ = await owner.recv_until("reaction")
    protocol.validate_server_frame(frame)
    mo = world["member"].pk
    assert frame["reactions"] == {"👍": [mo]}
    assert frame["chips"] == (
        f'<button type="button" class="reaction" data-emoji="👍" data-users="{mo}" aria-pressed="false" '
        'title="Mo Member">👍 <span>1</span></button>'
    )


async def test_topic_frames_on_create_rename_resolve_accept_and_move(connect, world) -> None:  # type: ignore[no-untyped-def]
    room, other_room, owner_user = world["room"], world["other_room"], world["owner"]
    watcher = await _subscribed(connect, world["member"], room, other_room)

    async def next_topic_frame() -> dict[str, Any]:
        frame, _ = await watcher.recv_until("topic")
        protocol.validate_server_frame(frame)
        return frame

    made = await sync_to_async(services.create_topic)(actor=owner_user, room=room, title="Nieuw", body="Eerste")
    frame = await next_topic_frame()
    assert frame["topic"] == made.pk and frame["title"] == "Nieuw" and frame["message_count"] == 1
    assert frame["row"].startswith(f'<li class="topic-row" data-topic-id="{made.pk}" data-last-seq="{made.last_seq}">')
    await sync_to_async(services.rename_topic)(actor=owner_user, topic=made, title="Hernoemd")
    assert (await next_topic_frame())["title"] == "Hernoemd"
    await sync_to_async(services.set_topic_resolved)(actor=owner_user, topic=made, resolved=True)
    frame = await next_topic_frame()
    assert frame["resolved"] and '<span class="tag">' in frame["row"]
    topic = world["topic"]
    answer = await sync_to_async(services.post_message)(
        actor=world["member"], topic=topic, body="Zo doe je dat", client_id=uuid.uuid4()
    )
    await watcher.recv_until("message")
    await sync_to_async(services.accept_answer)(actor=owner_user, topic=topic, message=answer)
    frame = await next_topic_frame()
    assert frame["accepted_answer"] == answer.pk and frame["resolved"]
    await sync_to_async(services.move_topic)(actor=owner_user, topic=made, room=other_room)
    frames = [await next_topic_frame(), await next_topic_frame()]
    assert {f["room"] for f in frames} == {room.pk, other_room.pk}
    assert all(f["moved_to"] == other_room.pk and f["topic"] == made.pk for f in frames)
