"""The topic page viewed again costs no read-marker work: no write, no transaction, no extra query.

``mark_read`` moves markers forward only, so when the markers the page loaded with the topic
already cover the newest message shown, there is nothing to do. These tests failed before: the
page ran BEGIN, two SELECTs and COMMIT on every view, and the page took 14 queries.
"""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.actor import Actor
from forum import selectors, services
from forum.errors import NotFound
from forum.models import ReadState, Room, Topic, TopicReadState
from notifications.models import Notification
from realtime import actions

pytestmark = pytest.mark.django_db

# session, user, topic (with the reader's markers), membership, messages, reactions,
# header (name and unread counts), the app shell's sidebar (communities; rooms with unread
# counts; direct conversations — one more, for their names, when the member has any), the
# knowledge base's lesson status and, for a reader who does not facilitate, whether they are an
# editor (who promotes instead of proposing).
TOPIC_PAGE_QUERIES = 12


def _get(client, url: str) -> list[str]:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


def _markers(user, topic: Topic) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    return (
        ReadState.objects.get(user=user, room_id=topic.room_id).last_read_seq,
        TopicReadState.objects.get(user=user, topic=topic).last_read_seq,
    )


@pytest.fixture
def topic(make_community, owner) -> Topic:  # type: ignore[no-untyped-def]
    room = make_community().rooms.get()
    made = services.create_topic(actor=owner, room=room, title="Warmtepompen", body="Eerste")
    for body in ("Tweede", "Derde"):
        services.post_message(actor=owner, topic=made, body=body, client_id=uuid.uuid4())
    return Topic.objects.get(pk=made.pk)


def test_viewing_a_topic_writes_nothing(client, topic, make_user, add_member) -> None:  # type: ignore[no-untyped-def]
    """Opening a topic reads it from the first unread on and marks nothing: what the member saw is
    told by the browser's read frames (tests/e2e/test_conversation_live.py)."""
    reader = make_user(name="Rik Reader")
    add_member(topic.room.community, reader)
    client.force_login(reader)
    client.get("/")  # the first request of a visit notes when the member was last seen (accounts)
    for _view in range(2):
        queries = _get(client, topic.get_absolute_url())
        assert not [
            sql for sql in queries if sql.upper().startswith(("INSERT", "UPDATE", "DELETE", "BEGIN", "SAVEPOINT"))
        ]
        assert not ReadState.objects.filter(user=reader).exists()
        assert not TopicReadState.objects.filter(user=reader).exists()
        assert len(queries) == TOPIC_PAGE_QUERIES
    actions.read(reader, topic.room_id, 3, topic.pk)
    again = _get(client, topic.get_absolute_url())
    # The markers came with the topic's own query; the only other queries that read them are the
    # header's unread count and the sidebar's rooms and direct conversations (every page has them).
    readers = [sql for sql in again if "forum_topicreadstate" in sql.lower() or "forum_readstate" in sql.lower()]
    assert len(readers) == 4
    assert readers[0].lower().startswith('select "forum_topic"')
    assert len(again) == TOPIC_PAGE_QUERIES


def test_read_frames_move_the_topic_marker_forward_never_back(client, topic, make_user, add_member) -> None:  # type: ignore[no-untyped-def]
    reader = make_user(name="Rik Reader")
    add_member(topic.room.community, reader)
    client.force_login(reader)
    actions.read(reader, topic.room_id, 3, topic.pk)
    assert _markers(reader, topic) == (3, 3)
    services.post_message(actor=topic.created_by, topic=topic, body="Vierde", client_id=uuid.uuid4())
    assert selectors.unread_total(user=reader) == 1
    assert client.get(topic.get_absolute_url()).context["first_unread_seq"] == 4
    _get(client, topic.get_absolute_url())
    assert _markers(reader, topic) == (3, 3)  # opened, not yet seen
    actions.read(reader, topic.room_id, 4, topic.pk)
    assert _markers(reader, topic) == (4, 4)
    assert selectors.unread_total(user=reader) == 0
    # A room marker without a topic marker (read elsewhere): the read frame still makes it.
    TopicReadState.objects.filter(user=reader, topic=topic).delete()
    actions.read(reader, topic.room_id, 4, topic.pk)
    assert _markers(reader, topic) == (4, 4)
    # A marker ahead of the frame is never moved back.
    actions.read(reader, topic.room_id, 2, topic.pk)
    assert _markers(reader, topic) == (4, 4)
    # A topic that is not in the room is refused.
    with pytest.raises(NotFound):
        actions.read(reader, topic.room_id, 4, 10**9)


def test_mark_read_with_nothing_to_move_is_one_read_or_none(topic, owner) -> None:  # type: ignore[no-untyped-def]
    room = Room.objects.select_related("community").get(pk=topic.room_id)
    actor = Actor(user=owner)  # one request's actor: its membership is looked up once
    services.mark_read(actor=actor, room=room, seq=3, topic=topic)
    with CaptureQueriesContext(connection) as ctx:
        assert services.mark_read(actor=actor, room=room, seq=3, topic=topic) == 3
        assert services.mark_read(actor=actor, room=room, seq=2) == 3  # never back
    assert [q["sql"].split()[0].upper() for q in ctx.captured_queries] == ["SELECT", "SELECT"]
    with CaptureQueriesContext(connection) as ctx:
        services.mark_read(actor=actor, room=room, seq=3, topic=topic, room_read_seq=3, topic_read_seq=3)
    assert ctx.captured_queries == []
    # Known markers that are behind (or unknown) take the write path as before.
    ReadState.objects.filter(user=owner).update(last_read_seq=1)
    assert services.mark_read(actor=owner, room=room, seq=3, topic=topic, room_read_seq=1, topic_read_seq=3) == 3
    assert _markers(owner, topic) == (3, 3)


def test_topic_page_query_count_is_fixed(client, topic, owner, make_user, add_member) -> None:  # type: ignore[no-untyped-def]
    """A facilitator and a member, with unread messages elsewhere and notifications: the same count."""
    member = make_user(name="Mia Member")
    add_member(topic.room.community, member)
    other = services.create_topic(actor=owner, room=topic.room, title="Elders", body="Ongelezen")
    Notification.objects.create(user=member, kind="reply", text="x", topic_id=other.pk)
    # A facilitator who manages the topic also gets the rooms it could be moved to, and promotes
    # without being asked whether they are an editor; a member is asked that instead.
    for user, expected in ((owner, TOPIC_PAGE_QUERIES), (member, TOPIC_PAGE_QUERIES)):
        client.force_login(user)
        _get(client, topic.get_absolute_url())
        sqls = _get(client, topic.get_absolute_url())
        assert len(sqls) == expected, "\n".join(s[:120] for s in sqls)


def test_page_shows_authors_as_user_display_name(client, topic, owner, make_user, add_member) -> None:  # type: ignore[no-untyped-def]
    """The page reads author columns, not User objects: the names must still be User.display_name."""
    from accounts.models import Profile, User

    named = make_user(name="Nina <Naam>")
    full = make_user(first_name="Fenna", last_name="de Vries")
    Profile.objects.filter(user=full).update(display_name="")
    bare = make_user(email="zonder.profiel@example.test")
    Profile.objects.filter(user=bare).delete()
    for author in (named, full, bare):
        add_member(topic.room.community, author)
        services.post_message(actor=author, topic=topic, body="hoi", client_id=uuid.uuid4())
    client.force_login(owner)
    html = client.get(topic.get_absolute_url()).content.decode()
    for author in (named, full, bare):
        name = User.objects.get(pk=author.pk).display_name
        url = reverse("accounts:profile", args=[author.pk])
        assert f'class="message-author" href="{url}">{name.replace("<", "&lt;").replace(">", "&gt;")}</a>' in html
    assert "Fenna de Vries" in html and "zonder.profiel" in html and "Nina &lt;Naam&gt;" in html
