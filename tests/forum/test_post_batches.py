"""``post_messages``: the group-commit write path that post frames share under load."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from forum import services
from forum.errors import Conflict, Forbidden, Invalid, NotFound, RateLimited
from forum.models import Message, ReadState, TopicReadState
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def _post(
    actor: Any, topic: Any, body: str, client_id: uuid.UUID | None = None, *, room: Any = None
) -> services.NewMessage:
    room_id = topic.room_id if room is None else room.pk
    return services.NewMessage(
        actor=actor, room_id=room_id, topic_id=topic.pk, body=body, client_id=client_id or uuid.uuid4()
    )


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
        posts=[
            _post(member, topic, "een"),
            _post(outsider, topic, "mag niet"),  # open community: may read, may not post
            _post(member, topic, "   "),
            _post(member, topic, "twee", twice),
            _post(member, topic, "twee opnieuw", twice),  # the same post twice in one batch
            _post(member, topic, "al opgeslagen", retried.client_id),
            _post(owner, other_topic, "ander onderwerp"),
            _post(member, foreign_topic, "verkeerde kamer", room=room),  # a topic of another room
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
        posts=[_post(member, topic, "een"), _post(member, topic, "twee"), _post(other, topic, "drie")]
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
        posts=[_post(b, topic, "antwoord 1"), _post(c, topic, "antwoord 2"), _post(b, topic, "nog een, @**Cas**")],
    )
    replies = Notification.objects.filter(kind="reply", topic_id=topic.pk)
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
            results = services.post_messages(posts=posts)
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


def _rooms(make_community: Any, owner: Any, count: int) -> list[Any]:
    """``count`` rooms in two communities, with a topic each; returns the topics."""
    from forum.models import Room

    topics = []
    for c in range(2):
        community = make_community(name=f"Kring {c}")
        for r in range(count // 2):
            room = (
                community.rooms.first()
                if r == 0
                else Room.objects.create(community=community, name=f"k{r}", slug=f"k{r}")
            )
            topics.append(services.create_topic(actor=owner, room=room, title=f"Onderwerp {c}.{r}"))
    return topics


def test_a_batch_across_rooms_numbers_each_room_in_arrival_order(make_community, owner, make_user, add_member) -> None:  # type: ignore[no-untyped-def]
    topics = _rooms(make_community, owner, 4)
    member = make_user(name="Mila")
    for topic in topics[:2]:  # member of the first community only
        add_member(topic.room.community, member)
    services.post_message(actor=owner, topic=topics[1], body="eerste", client_id=uuid.uuid4())

    results = services.post_messages(
        posts=[
            _post(member, topics[0], "a1"),
            _post(member, topics[1], "b2 @**Mila**"),
            _post(owner, topics[0], "a2"),
            _post(member, topics[2], "mag niet"),  # not a member of the second community
            _post(owner, topics[3], "d1, @**Mila**"),  # Mila may read this open room
            _post(owner, topics[1], "b3"),
        ]
    )

    assert [(r.room_id, r.seq) if isinstance(r, Message) else type(r) for r in results] == [
        (topics[0].room_id, 1),
        (topics[1].room_id, 2),
        (topics[0].room_id, 2),
        Forbidden,
        (topics[3].room_id, 1),
        (topics[1].room_id, 3),
    ]
    for topic, last in ((topics[0], 2), (topics[1], 3), (topics[2], 0), (topics[3], 1)):
        topic.refresh_from_db()
        topic.room.refresh_from_db()
        assert topic.room.last_seq == last and topic.last_seq == last
    # Mila mentioned herself (no notification), was mentioned in the other community's open
    # room, and hears of the owner's replies after hers in both topics, in the same batch.
    bodies = dict(Message.objects.values_list("pk", "body"))
    told = Notification.objects.filter(user=member).values_list("kind", "message_id")
    assert sorted((kind, bodies[mid]) for kind, mid in told) == [
        ("mention", "d1, @**Mila**"),
        ("reply", "a2"),
        ("reply", "b3"),
    ]
    assert 'href="/' in results[4].body_html  # the mention became a profile link
    # The owner posted first in topic 1: hears of Mila's reply once, not of his own.
    assert Notification.objects.filter(user=owner, kind="reply", topic_id=topics[1].pk).count() == 1
    assert ReadState.objects.get(user=owner, room=topics[1].room).last_read_seq == 3
    assert ReadState.objects.get(user=owner, room=topics[0].room).last_read_seq == 2


def test_a_batch_costs_the_same_statements_for_any_number_of_rooms(
    make_community, owner, make_user, add_member
) -> None:  # type: ignore[no-untyped-def]
    topics = _rooms(make_community, owner, 12)
    members = [make_user(name=f"Lid {i}") for i in range(6)]
    for topic in topics:
        for user in members:
            add_member(topic.room.community, user)

    def batch(rooms: int) -> int:
        posts = [
            _post(members[(r + k) % len(members)], topics[r], f"bericht {k} @**Lid {k}**")
            for r in range(rooms)
            for k in range(2)
        ]
        with CaptureQueriesContext(connection) as queries:
            results = services.post_messages(posts=posts)
        assert all(isinstance(r, Message) for r in results), results
        return len(queries)

    batch(12)  # read states exist, participants known everywhere
    assert batch(2) == batch(12)


def test_a_batch_is_announced_once_per_room_and_notified_user(  # type: ignore[no-untyped-def]
    make_community, owner, make_user, add_member, django_capture_on_commit_callbacks, monkeypatch
) -> None:
    from forum import events

    sent: list[tuple[str, dict[str, Any]]] = []

    class Layer:
        async def group_send(self, group: str, message: dict[str, Any]) -> None:
            sent.append((group, message))

    monkeypatch.setattr(events, "get_channel_layer", Layer)
    topics = _rooms(make_community, owner, 4)
    member = make_user(name="Mila")
    add_member(topics[0].room.community, member)
    services.post_message(actor=member, topic=topics[0], body="vraag", client_id=uuid.uuid4())
    sent.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.post_messages(
            posts=[_post(owner, topics[0], "een"), _post(owner, topics[0], "twee"), _post(owner, topics[2], "drie")]
        )
    assert len(callbacks) == 1
    by_group = dict(sent)
    assert len(sent) == 3 and set(by_group) == {
        f"room.{topics[0].room_id}",
        f"room.{topics[2].room_id}",
        f"user.{member.pk}",
    }
    first = by_group[f"room.{topics[0].room_id}"]
    assert first["type"] == "room.frames" and [seq for seq, _text in first["items"]] == [2, 3]
    third = by_group[f"room.{topics[2].room_id}"]
    assert third["type"] == "room.frame" and third["seq"] == 1 and "drie" in third["text"]
    assert by_group[f"user.{member.pk}"] == {"type": "user.event", "user": member.pk, "kind": "notification"}


def test_a_client_id_reused_in_another_room_is_refused_not_acked(make_community, owner) -> None:  # type: ignore[no-untyped-def]
    """Issue 22: a client_id the author used in room A, sent again to room B, was answered with
    A's message, so the client dropped a post that was never stored. Same room: still a retry."""
    first_room = make_community(name="Kring A").rooms.get()
    second_room = make_community(name="Kring B").rooms.get()
    here = services.create_topic(actor=owner, room=first_room, title="Hier")
    there = services.create_topic(actor=owner, room=second_room, title="Daar")
    key = uuid.uuid4()
    stored = services.post_message(actor=owner, topic=here, body="eerst", client_id=key)

    retry, elsewhere, twice_elsewhere = services.post_messages(
        posts=[_post(owner, here, "eerst", key), _post(owner, there, "anders", key), _post(owner, there, "anders", key)]
    )

    assert isinstance(retry, Message) and retry.pk == stored.pk  # the idempotent retry
    assert isinstance(elsewhere, Conflict) and elsewhere.code == "client_id_reused"
    assert isinstance(twice_elsewhere, Conflict) and twice_elsewhere.code == "client_id_reused"
    with pytest.raises(Conflict) as refused:
        services.post_message(actor=owner, topic=there, body="anders", client_id=key)
    assert refused.value.code == "client_id_reused" and refused.value.status == 409
    assert not Message.objects.filter(room=second_room).exists()
    # A key new to the batch, sent to two rooms at once: the first is stored, the second refused.
    fresh = uuid.uuid4()
    first, second = services.post_messages(posts=[_post(owner, here, "een", fresh), _post(owner, there, "twee", fresh)])
    assert isinstance(first, Message) and first.room_id == first_room.pk
    assert isinstance(second, Conflict) and second.code == "client_id_reused"
    assert not Message.objects.filter(room=second_room).exists()


@pytest.mark.postgres
def test_the_batchs_retry_check_uses_the_unique_index(make_community, owner) -> None:  # type: ignore[no-untyped-def]
    """The idempotency check rides in the batch's first statement (the locked topics): it must
    search the (author, client_id) index there too, not scan the messages."""
    topic = services.create_topic(actor=owner, room=make_community().rooms.get(), title="Index")
    with CaptureQueriesContext(connection) as queries:
        services.post_messages(posts=[_post(owner, topic, "x")])
    first = next(q["sql"] for q in queries.captured_queries if not q["sql"].startswith("SAVEPOINT"))
    assert "MIN(" in first and "FOR UPDATE" in first, first
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + first.split(" FOR UPDATE")[0])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert any("Index Cond" in line and "author_id" in line for line in plan.splitlines()), plan


def test_a_retry_is_answered_with_the_stored_message_even_in_slow_mode(
    make_community, owner, make_user, add_member
) -> None:  # type: ignore[no-untyped-def]
    """A post sent again after a lost answer gets the stored message, before any check: slow mode
    would refuse a second post so soon, but this is the same post."""
    community = make_community()
    room = community.rooms.get()
    room.slow_mode_seconds = 600
    room.save(update_fields=["slow_mode_seconds"])
    member = make_user(name="Traag")
    add_member(community, member)
    topic = services.create_topic(actor=owner, room=room, title="Traag")
    first = _post(member, topic, "een keer")
    (stored,) = services.post_messages(posts=[first])
    assert isinstance(stored, Message)
    again = _post(member, topic, "een keer", first.client_id)
    other = _post(member, topic, "nog een")
    retried, refused = services.post_messages(posts=[again, other])
    assert isinstance(retried, Message) and retried.pk == stored.pk
    assert isinstance(refused, RateLimited)  # slow mode still holds for a new post
    assert Message.objects.filter(room=room, author=member).count() == 1


@pytest.mark.postgres
def test_finding_a_topics_participants_probes_an_index_per_author(make_community, owner, make_user, add_member) -> None:  # type: ignore[no-untyped-def]
    """Regression: the participants to notify were a DISTINCT over every message of the topic:
    30 ms of PostgreSQL per post in a topic of 50,000 messages, growing with it. Now one probe of
    the (topic, author) index of live messages per participant."""
    community = make_community()
    topic = services.create_topic(actor=owner, room=community.rooms.get(), title="Lang")
    people = [make_user(name=f"Deelnemer {i}") for i in range(3)]
    for person in people:
        add_member(community, person)
    services.post_messages(posts=[_post(people[i % 3], topic, f"bericht {i}") for i in range(30)])
    with CaptureQueriesContext(connection) as queries:
        services.post_messages(posts=[_post(people[0], topic, "nog een")])
    (statement,) = [q["sql"] for q in queries.captured_queries if "took_part" in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("EXPLAIN " + statement)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "message_topic_author_live" in plan, plan
