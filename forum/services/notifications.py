"""Notifications a post causes (mentions, replies to participants) and marking them read."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from django.utils.translation import gettext as _

from accounts.actor import Actor
from accounts.models import User
from forum import _sql as sql
from forum import permissions
from forum.models import Message, Topic
from notifications.models import Notification, NotificationKind, TopicWatch, WatchState
from notifications.services import Pending, mark_read, notify_batch


class Written(NamedTuple):
    """A message just written, the readers it mentions, and the author of the message it answers."""

    message: Message
    mentioned: frozenset[int]
    replied_to: int | None = None


def _pending(user_id: int, kind: str, text: str, message: Message, topic: Topic, **params: Any) -> Pending:
    actor = message.author
    assert actor is not None
    return Pending(
        user_id=user_id,
        kind=kind,
        text=text,
        url=f"{topic.get_absolute_url()}#m{message.seq}",
        actor_id=actor.pk,
        community_id=message.room.community_id,
        room_id=message.room_id,
        topic_id=topic.pk,
        message_id=message.pk,
        seq=message.seq,
        params={"name": actor.display_name, "topic": topic.title, **params},
    )


def notify_mentions(written: Sequence[Written]) -> set[int]:
    """One notification per mentioned reader, written in one statement; returns who was told."""
    fresh: list[Pending] = []
    for message, mentioned, _replied in written:
        actor = message.author
        assert actor is not None
        for user_id in sorted(mentioned):
            if user_id != actor.pk:
                text = _("%(name)s mentioned you in “%(topic)s”") % {
                    "name": actor.display_name,
                    "topic": message.topic.title,
                }
                fresh.append(_pending(user_id, NotificationKind.MENTION, text, message, message.topic))
    return notify_batch(fresh, announce=False)


# The earlier participants of a topic told about a reply: a bound on one post's fan-out of
# notifications (a long thread does not notify hundreds of people for every reply).
PARTICIPANTS_NOTIFIED = 50


def notify_participants(topics: dict[int, Topic], by_topic: dict[int, list[Written]]) -> set[int]:
    """Tell earlier participants and followers about replies: one unread notification per topic and person.

    For the whole batch, whatever the number of topics: one query for the participants, the
    followers and who of them already has an unread reply notification, then the notifications
    app's (preferences, one insert). Mentioned people got a mention instead.
    The author of a message replied to (reply/quote) is told of that reply whatever they have
    unread: it answers them. A member who muted the topic is told nothing (the preferences).
    Returns who was told.
    """
    new_ids = [w.message.pk for ws in by_topic.values() for w in ws]
    authors = {tid: [w.message.author_id for w in ws] for tid, ws in by_topic.items()}
    participants: dict[int, set[int]] = {tid: set() for tid in by_topic}
    waiting: set[tuple[int, int]] = set()  # (topic, member) with an unread reply notification
    for tid, uid, role, has_unread in _participants_and_waiting(by_topic, authors, new_ids):
        if role == _FOLLOWER or (role == _TOOK_PART and len(participants[tid]) < PARTICIPANTS_NOTIFIED):
            participants[tid].add(uid)
        if has_unread:
            waiting.add((tid, uid))
    replies = any(w.replied_to is not None for ws in by_topic.values() for w in ws)
    if not replies and not any(people or len(set(authors[tid])) > 1 for tid, people in participants.items()):
        return set()  # nobody to tell: every topic has only this batch's one author so far
    fresh: list[Pending] = []
    for tid, messages in by_topic.items():
        topic = topics[tid]
        people = participants[tid]
        for message, mentioned, replied_to in messages:
            actor = message.author
            assert actor is not None
            text = ""
            if replied_to is not None and replied_to != actor.pk and replied_to not in mentioned:
                text_to_you = _("%(name)s replied to your message in “%(topic)s”") % {
                    "name": actor.display_name,
                    "topic": topic.title,
                }
                fresh.append(_pending(replied_to, NotificationKind.REPLY, text_to_you, message, topic, to_you=True))
                waiting.add((tid, replied_to))
            for uid in sorted(people - mentioned - {actor.pk}):
                if (tid, uid) in waiting:
                    continue
                if not text:
                    text = _("%(name)s replied in “%(topic)s”") % {"name": actor.display_name, "topic": topic.title}
                fresh.append(_pending(uid, NotificationKind.REPLY, text, message, topic))
                waiting.add((tid, uid))
            people.add(actor.pk)
    return notify_batch(fresh, announce=False)


def notify_direct(topics: dict[int, Topic], by_topic: dict[int, list[Written]]) -> set[int]:
    """Every other participant of a direct conversation, once per message; one query per conversation
    for its participants (direct conversations have at most 8)."""
    fresh: list[Pending] = []
    for tid, messages in by_topic.items():
        topic = topics[tid]
        people = permissions.direct_participants(topic.room)
        for message, _mentioned, _replied in messages:
            actor = message.author
            assert actor is not None
            text = _("%(name)s sent you a message") % {"name": actor.display_name}
            for uid in people:
                if uid != actor.pk:
                    fresh.append(_pending(uid, NotificationKind.DIRECT_MESSAGE, text, message, topic))
    return notify_batch(fresh, announce=False)


# What a row of ``_participants_and_waiting`` says of its member: ordered so that, per member, the
# strongest reason to be told comes first.
_BATCH_AUTHOR, _TOOK_PART, _FOLLOWER = 0, 1, 2


def _participants_and_waiting(
    by_topic: dict[int, list[Written]], authors: dict[int, list[int | None]], new_ids: list[int]
) -> list[tuple[int, int, int, bool]]:
    """(topic, member, role, has an unread reply notification there) for the earlier participants
    of each topic (role ``_TOOK_PART``), its followers (``_FOLLOWER``) and this batch's authors in it
    (``_BATCH_AUTHOR``), in topic and member order.

    One statement in plain SQL (see ``forum._sql``): it runs for nearly every post.
    """
    m, n, w = sql.column, sql.column, sql.column
    topic_ids = list(by_topic)
    batch_authors = sorted({(tid, uid) for tid, uids in authors.items() for uid in uids if uid is not None})
    extra = " ".join(f"UNION ALL SELECT %s, %s, {_BATCH_AUTHOR}" for _pair in batch_authors)
    messages = sql.table(Message)
    topic_id = f"{sql.table(Topic)}.{sql.column(Topic, 'id')}"

    def next_author(topic: str, after: str) -> str:
        """The smallest author above ``after`` with a live message in ``topic`` (not this batch's):
        one probe of the (topic, author) index of live messages."""
        return (
            f"(SELECT {m(Message, 'author')} FROM {messages} WHERE {m(Message, 'topic')} = {topic}"  # noqa: S608
            f" AND {m(Message, 'author')} > {after} AND {m(Message, 'deleted_at')} IS NULL"
            f" AND {m(Message, 'id')} NOT IN ({sql.placeholders(new_ids)}) ORDER BY {m(Message, 'author')} LIMIT 1)"
        )

    # The earlier participants, one index probe per participant (a loose index scan): DISTINCT over
    # the topic's messages read every message of it, 30 ms of PostgreSQL per post at 50,000.
    statement = (
        f"WITH RECURSIVE took_part(t, u) AS (SELECT {topic_id}, {next_author(topic_id, '0')}"  # noqa: S608
        f" FROM {sql.table(Topic)} WHERE {topic_id} IN ({sql.placeholders(topic_ids)})"
        f" UNION ALL SELECT took_part.t, {next_author('took_part.t', 'took_part.u')} FROM took_part"
        " WHERE took_part.u IS NOT NULL)"
        f" SELECT p.t, p.u, p.role, EXISTS (SELECT 1 FROM {sql.table(Notification)} AS n"
        f" WHERE n.{n(Notification, 'user')} = p.u AND n.{n(Notification, 'topic_id')} = p.t"
        f" AND n.{n(Notification, 'kind')} = %s AND n.{n(Notification, 'read_at')} IS NULL)"
        f" FROM (SELECT t, u, {_TOOK_PART} AS role FROM took_part WHERE u IS NOT NULL"
        f" UNION ALL SELECT {w(TopicWatch, 'topic_id')}, {w(TopicWatch, 'user')}, {_FOLLOWER}"
        f" FROM {sql.table(TopicWatch)} WHERE {w(TopicWatch, 'topic_id')} IN ({sql.placeholders(topic_ids)})"
        f" AND {w(TopicWatch, 'state')} = %s {extra}) AS p"
        " ORDER BY p.t, p.u, p.role DESC"
    )
    params = [
        *new_ids,
        *topic_ids,
        *new_ids,
        NotificationKind.REPLY.value,
        *topic_ids,
        WatchState.FOLLOW.value,
        *(v for pair in batch_authors for v in pair),
    ]
    return [(t, u, int(role), bool(has_unread)) for t, u, role, has_unread in sql.rows(statement, params)]


def mark_notifications_read(*, actor: Actor | User, ids: Iterable[int] | None = None) -> int:
    return mark_read(actor=actor, ids=ids)
