"""Notifications a post causes (mentions, replies to participants) and marking them read."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actor import Actor, as_actor
from accounts.models import User
from forum import _sql as sql
from forum.models import (
    Message,
    Notification,
    NotificationKind,
    Topic,
)


class Written(NamedTuple):
    """A message just written, the readers it mentions, and the author of the message it answers."""

    message: Message
    mentioned: frozenset[int]
    replied_to: int | None = None


def notify_mentions(written: Sequence[Written]) -> set[int]:
    """One notification per mentioned reader, written in one statement; returns who was told."""
    fresh: list[Notification] = []
    for message, mentioned, _replied in written:
        actor = message.author
        assert actor is not None
        for user_id in sorted(mentioned):
            if user_id != actor.pk:
                text = _("%(name)s mentioned you in “%(topic)s”") % {
                    "name": actor.display_name,
                    "topic": message.topic.title,
                }
                url = f"{message.topic.get_absolute_url()}#m{message.seq}"
                fresh.append(
                    Notification(
                        user_id=user_id, kind=NotificationKind.MENTION, text=text[:300], url=url[:300], message=message
                    )
                )
    Notification.objects.bulk_create(fresh, ignore_conflicts=True)
    return {n.user_id for n in fresh}


# The earlier participants of a topic told about a reply: a bound on one post's fan-out of
# notifications (a long thread does not notify hundreds of people for every reply).
PARTICIPANTS_NOTIFIED = 50


def notify_participants(topics: dict[int, Topic], by_topic: dict[int, list[Written]]) -> set[int]:
    """Tell earlier participants about replies: one unread notification per topic and person.

    For the whole batch, whatever the number of topics: one query for the participants and
    who already has an unread reply notification, one insert. Mentioned people
    got a mention instead. The author of a message replied to (reply/quote) is told of that
    reply whatever they have unread: it answers them. Returns who was told.
    """
    new_ids = [w.message.pk for ws in by_topic.values() for w in ws]
    authors = {tid: [w.message.author_id for w in ws] for tid, ws in by_topic.items()}
    participants: dict[int, set[int]] = {tid: set() for tid in by_topic}
    waiting: set[tuple[int, int]] = set()  # (topic, member) with an unread reply notification
    for tid, uid, participated, has_unread in _participants_and_waiting(by_topic, authors, new_ids):
        if participated and len(participants[tid]) < PARTICIPANTS_NOTIFIED:
            participants[tid].add(uid)
        if has_unread:
            waiting.add((tid, uid))
    replies = any(w.replied_to is not None for ws in by_topic.values() for w in ws)
    if not replies and not any(people or len(set(authors[tid])) > 1 for tid, people in participants.items()):
        return set()  # nobody to tell: every topic has only this batch's one author so far
    fresh: list[Notification] = []
    for tid, messages in by_topic.items():
        topic = topics[tid]
        people = participants[tid]
        for message, mentioned, replied_to in messages:
            actor = message.author
            assert actor is not None
            text = url = ""
            if replied_to is not None and replied_to != actor.pk and replied_to not in mentioned:
                fresh.append(
                    Notification(
                        user_id=replied_to,
                        kind=NotificationKind.REPLY,
                        text=(
                            _("%(name)s replied to your message in “%(topic)s”")
                            % {"name": actor.display_name, "topic": topic.title}
                        )[:300],
                        url=f"{topic.get_absolute_url()}#m{message.seq}"[:300],
                        message=message,
                        topic=topic,
                    )
                )
                waiting.add((tid, replied_to))
            for uid in sorted(people - mentioned - {actor.pk}):
                if (tid, uid) in waiting:
                    continue
                if not url:  # made only when someone is told (reverse() costs)
                    text = _("%(name)s replied in “%(topic)s”") % {"name": actor.display_name, "topic": topic.title}
                    url = f"{topic.get_absolute_url()}#m{message.seq}"
                fresh.append(
                    Notification(
                        user_id=uid,
                        kind=NotificationKind.REPLY,
                        text=text[:300],
                        url=url[:300],
                        message=message,
                        topic=topic,
                    )
                )
                waiting.add((tid, uid))
            people.add(actor.pk)
    Notification.objects.bulk_create(fresh, ignore_conflicts=True)
    return {n.user_id for n in fresh}


def _participants_and_waiting(
    by_topic: dict[int, list[Written]], authors: dict[int, list[int | None]], new_ids: list[int]
) -> list[tuple[int, int, bool, bool]]:
    """(topic, member, took part before, has an unread reply notification there), for the earlier
    participants of each topic and this batch's authors in it, in topic and member order.

    One statement in plain SQL (see ``forum._sql``): it runs for nearly every post.
    """
    m, n = sql.column, sql.column
    topic_ids = list(by_topic)
    batch_authors = sorted({(tid, uid) for tid, uids in authors.items() for uid in uids if uid is not None})
    extra = " ".join("UNION ALL SELECT %s, %s, 0" for _pair in batch_authors)
    statement = (
        f"SELECT p.t, p.u, p.took_part, EXISTS (SELECT 1 FROM {sql.table(Notification)} AS n"  # noqa: S608
        f" WHERE n.{n(Notification, 'user')} = p.u AND n.{n(Notification, 'topic')} = p.t"
        f" AND n.{n(Notification, 'kind')} = %s AND n.{n(Notification, 'read_at')} IS NULL)"
        f" FROM (SELECT DISTINCT {m(Message, 'topic')} AS t, {m(Message, 'author')} AS u, 1 AS took_part"
        f" FROM {sql.table(Message)} WHERE {m(Message, 'topic')} IN ({sql.placeholders(topic_ids)})"
        f" AND {m(Message, 'deleted_at')} IS NULL AND {m(Message, 'author')} IS NOT NULL"
        f" AND {m(Message, 'id')} NOT IN ({sql.placeholders(new_ids)}) {extra}) AS p"
        " ORDER BY p.t, p.u, p.took_part DESC"
    )
    params = [NotificationKind.REPLY.value, *topic_ids, *new_ids, *(v for pair in batch_authors for v in pair)]
    return [(t, u, bool(took_part), bool(has_unread)) for t, u, took_part, has_unread in sql.rows(statement, params)]


@transaction.atomic
def mark_notifications_read(*, actor: Actor | User, ids: Iterable[int] | None = None) -> int:
    actor = as_actor(actor)
    if not actor.is_authenticated:
        return 0
    qs = Notification.objects.filter(user_id=actor.member_id, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
