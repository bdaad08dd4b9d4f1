"""The header badge, live: a notification from any app (a forum mention, a mentoring step) or
reading them elsewhere sends the member's sockets their new unread count, rooms or not."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from asgiref.sync import sync_to_async

from forum import services as forum_services
from notifications import services

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people(make_user: Any) -> dict[str, Any]:
    owner = make_user(name="Olga Owner")
    community = forum_services.create_community(
        actor=owner, name="Live kring", kind="hub", description="d", waaromvraag="w", visibility="open"
    )
    sanne = make_user(name="Sanne")
    forum_services.join_community(actor=sanne, community=community)
    topic = forum_services.create_topic(actor=owner, room=community.rooms.get(), title="Live", body="start")
    return {"owner": owner, "sanne": sanne, "topic": topic}


async def test_a_mention_and_a_notice_from_another_app_update_the_badge(connect: Any, people: dict[str, Any]) -> None:
    owner, sanne, topic = people["owner"], people["sanne"], people["topic"]
    ok, _code, socket = await connect(owner)  # subscribed to no room at all
    assert ok
    await sync_to_async(forum_services.post_message)(
        actor=sanne, topic=topic, body="@**Olga Owner** hoi", client_id=uuid.uuid4()
    )
    frame, _seen = await socket.recv_until("notifications")
    assert frame == {"type": "notifications", "unread": 1}
    # Any app's notice takes the same path (here as mentoring sends its own).
    await sync_to_async(services.notify)(
        recipients=[owner], kind="proposal", url="/mentoring/", text="Sanne stelt voor", actor=sanne, ref="mentoring"
    )
    frame, _seen = await socket.recv_until("notifications")
    assert frame["unread"] == 2
    await sync_to_async(services.mark_read)(actor=owner)  # read in another tab
    frame, _seen = await socket.recv_until("notifications")
    assert frame["unread"] == 0
