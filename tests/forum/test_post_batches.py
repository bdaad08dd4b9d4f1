"""``post_messages``: the group-commit write path that post frames share under load."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forum import services
from forum.errors import Forbidden, Invalid, NotFound, RateLimited
from forum.models import Message, Notification, ReadState, TopicReadState

pytestmark = pytest.mark.django_db


def _post(actor: Any, topic: Any, body: str, client_id: uuid.UUID | None = None) -> services.NewMessage:
    return services.NewMessage(actor=actor, topic_id=topic.pk, body=body, client_id=client_id or uuid.uuid4())


def test_each_post_in_a_batch_gets_its_own_answer(make_community, owner, make_user, add_member) -> None:  # type: ignore[no-untyped-def]
    community = make_community()
    room = community.rooms.get()
    topic = services.create_topic(actor=owner, room=room, title="Warmtepompen")
    other_topic = services.create_topic(actor=owner, room=room, title="Isolatie")
    member, outsider = make_user(name="Mila"), make_user(name="Otto")
    add_member(community, member)
    retried = services.post_message(actor=member, topic=topic, body="eerder", client_id=uuid.uuid4())
    twice = uuid.uuid4()
    foreign_topic = services.create_topic(
        actor=owner, room=make_community(name="Andere Kring").rooms.get(), title="Elders"
    )

    results = services.post_messages(
        room_id=room.pk,
        posts=[
            _post(member, topic, "een"),
            _post(outsider, topic, "mag niet"),  # open community: may read, may not post
            _post(member, topic, "   "),
            _post(member, topic, "twee", twice),
            _post(member, topic, "twee opnieuw", twice),  # the same post twice in one batch
            _post(member, topic, "al opgeslagen", retried.client_id),
            _post(owner, other_topic, "ander onderwerp"),
            _post(member, foreign_topic, "verkeerde kamer"),
        ],
    )

    assert isinstance(results[0], Message) and results[0].seq == 2
    assert isinstance(results[1], Forbidden)
    assert isinstance(results[2], Invalid)
    assert isinstance(results[3], Message) and results[3].seq == 3
    assert results[4] is results[3]
    assert isinstance(results[5], Message) and results[5].pk == retried.pk and results[5].body == "eerder"
    assert isinstance(results[6], Message) and results[6].seq == 4 and results[6].topic_id == other_topic.pk
    assert isinstance(results[7], NotFound)
    room.refresh_from_db()
    topic.refresh_from_db()
    assert room.last_seq == 4
    assert list(Message.objects.filter(room=room).order_by("seq").values_list("seq", flat=True)) == [1, 2, 3, 4]
    assert topic.message_count == 3 and topic.last_seq == 3
    assert ReadState.objects.get(user=member, room=room).last_read_seq == 3
    assert TopicReadState.objects.get(user=owner, topic=other_topic).last_read_seq == 4


def test_slow_mode_counts_earlier_posts_of_the_same_batch(make_community, owner, make_user, add_member) -> None:  # type: ignore[no-untyped-def]
    community = make_community()
    room = community.rooms.get()
    services.update_room(actor=owner, room=room, slow_mode_seconds=30)
    topic = services.create_topic(actor=owner, room=room, title="Rustig aan")
    member, other = make_user(name="Mila"), make_user(name="Mo")
    add_member(community, member)
    add_member(community, other)
    results = services.post_messages(
        room_id=room.pk, posts=[_post(member, topic, "een"), _post(member, topic, "twee"), _post(other, topic, "drie")]
    )
    assert isinstance(results[0], Message)
    assert isinstance(results[1], RateLimited) and 29 <= results[1].wait_seconds <= 30
    assert isinstance(results[2], Message)


def test_replies_in_a_batch_notify_each_participant_once(make_community, owner, make_user, add_member) -> None:  # type: ignore[no-untyped-def]
    community = make_community()
    room = community.rooms.get()
    topic = services.create_topic(actor=owner, room=room, title="Vraag")
    a, b, c = make_user(name="Anna"), make_user(name="Bram"), make_user(name="Cas")
    for user in (a, b, c):
        add_member(community, user)
    services.post_message(actor=a, topic=topic, body="mijn vraag", client_id=uuid.uuid4())
    services.post_messages(
        room_id=room.pk,
        posts=[_post(b, topic, "antwoord 1"), _post(c, topic, "antwoord 2"), _post(b, topic, "nog een, @**Cas**")],
    )
    replies = Notification.objects.filter(kind="reply", topic=topic)
    # Anna hears once (collapsed), Bram hears of Cas's reply, Cas was mentioned instead.
    assert sorted(replies.values_list("user__profile__display_name", flat=True)) == ["Anna", "Bram"]
    assert Notification.objects.filter(kind="mention", user=c).count() == 1
    assert not Notification.objects.filter(user=owner).exists()  # the topic's creator wrote no message


def test_a_batch_costs_a_fixed_number_of_queries(make_community, owner, make_user, add_member) -> None:  # type: ignore[no-untyped-def]
    community = make_community()
    room = community.rooms.get()
    topic = services.create_topic(actor=owner, room=room, title="Druk")
    members = [make_user(name=f"Lid {i}") for i in range(40)]
    for user in members:
        add_member(community, user)

    def batch(size: int) -> int:
        posts = [_post(members[i % len(members)], topic, f"bericht {i}") for i in range(size)]
        with CaptureQueriesContext(connection) as queries:
            results = services.post_messages(room_id=room.pk, posts=posts)
        assert all(isinstance(r, Message) for r in results)
        return len(queries)

    batch(4)  # everyone has posted once: read states exist, participants known
    assert batch(40) == batch(5)


@pytest.mark.postgres
def test_the_idempotency_lookup_uses_the_unique_index(make_community, owner) -> None:  # type: ignore[no-untyped-def]
    """Regression: looking up retried posts by client_id alone scanned the whole message table."""
    topic = services.create_topic(actor=owner, room=make_community().rooms.get(), title="Index")
    posts = [_post(owner, topic, "x") for _ in range(3)]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a plan that can use an index will
        plan = services.existing_messages_query(posts).explain()
    # An index searched by author: without it, it scanned a whole index or table.
    assert any("Index Cond" in line and "author_id" in line for line in plan.splitlines()), plan
