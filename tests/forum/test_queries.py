"""Pages run the same number of queries whatever the data size."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from forum import services
from forum.models import Community, Message, Room, Topic

pytestmark = pytest.mark.django_db


def _count(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _fill_topic(topic: Topic, author, n: int) -> None:  # type: ignore[no-untyped-def]
    room = Room.objects.get(pk=topic.room_id)
    start = room.last_seq
    now = timezone.now()
    Message.objects.bulk_create(
        [
            Message(
                room=room,
                topic=topic,
                seq=start + i,
                author=author,
                client_id=uuid.uuid4(),
                body=f"m{i}",
                body_html=f"<p>m{i}</p>",
                created_at=now,
            )
            for i in range(1, n + 1)
        ]
    )
    Room.objects.filter(pk=room.pk).update(last_seq=start + n)


def test_topic_page_constant_queries(client, make_community, owner) -> None:  # type: ignore[no-untyped-def]
    room = make_community().rooms.get()
    small = services.create_topic(actor=owner, room=room, title="Klein")
    big = services.create_topic(actor=owner, room=room, title="Groot")
    _fill_topic(small, owner, 10)
    _fill_topic(big, owner, 1000)
    client.force_login(owner)
    # First visits create the read markers; count the steady state.
    _count(client, small.get_absolute_url())
    _count(client, big.get_absolute_url())
    assert _count(client, small.get_absolute_url()) == _count(client, big.get_absolute_url())


def test_room_page_constant_queries(client, make_community, owner) -> None:  # type: ignore[no-untyped-def]
    c1 = make_community(name="Een")
    c2 = make_community(name="Twee")
    r1, r2 = c1.rooms.get(), c2.rooms.get()
    Topic.objects.bulk_create([Topic(room=r1, title=f"t{i}", created_by=owner) for i in range(10)])
    Topic.objects.bulk_create([Topic(room=r2, title=f"t{i}", created_by=owner) for i in range(1000)])
    client.force_login(owner)
    _count(client, r1.get_absolute_url())
    assert _count(client, r1.get_absolute_url()) == _count(client, r2.get_absolute_url())


def test_directory_constant_queries(client, owner) -> None:  # type: ignore[no-untyped-def]
    Community.objects.bulk_create(
        [Community(name=f"K{i}", slug=f"k{i}", kind="hub", description="d", waaromvraag="w") for i in range(10)]
    )
    client.force_login(owner)
    _count(client, "/gemeenschappen/")
    small = _count(client, "/gemeenschappen/")
    Community.objects.bulk_create(
        [Community(name=f"L{i}", slug=f"l{i}", kind="hub", description="d", waaromvraag="w") for i in range(990)]
    )
    assert _count(client, "/gemeenschappen/") == small
