"""Rooms' topic lists, one topic with the reader's markers, and the topic page's messages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import (
    Exists,
    F,
    IntegerField,
    OuterRef,
    Subquery,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from accounts.actor import as_actor
from accounts.models import display_name_of
from forum.models import (
    Attachment,
    Message,
    Reaction,
    ReadState,
    Room,
    Topic,
    TopicReadState,
)
from forum.permissions import Who

HISTORY_PAGE = 50


def room_by_slugs(*, community_slug: str, room_slug: str) -> Room | None:
    return (
        Room.objects.select_related("community")
        .filter(community__slug=community_slug, slug=room_slug, community__is_system=False)
        .first()
        or Room.objects.select_related("community")
        .filter(community__slug=community_slug, slug=room_slug, is_restricted=True)
        .first()
    )


def room_topics(*, actor: Who, room: Room, page: int = 1, per_page: int = 30) -> Page[Any]:
    """Topics, newest activity first, each with ``read_seq``: unread when below ``last_seq``."""
    actor = as_actor(actor)
    read = TopicReadState.objects.filter(user_id=actor.member_id, topic=OuterRef("pk")).values("last_read_seq")[:1]
    room_read = ReadState.objects.filter(user_id=actor.member_id, room=room).values("last_read_seq")[:1]
    topics = (
        Topic.objects.filter(room=room)
        .select_related("created_by__profile")
        .annotate(read_seq=Coalesce(Subquery(read), Subquery(room_read), Value(0), output_field=IntegerField()))
        .order_by(F("last_message_at").desc(nulls_last=True), "-pk")
    )
    return Paginator(topics, per_page).get_page(page)


# "forum_topic" is topic_with_room's own (unaliased) table.
_READER_ROOM_SEQ = (
    'SELECT "last_read_seq" FROM "forum_readstate" WHERE "user_id" = %s AND "room_id" = "forum_topic"."room_id"'
)


_READER_TOPIC_SEQ = (
    'SELECT "last_read_seq" FROM "forum_topicreadstate" WHERE "user_id" = %s AND "topic_id" = "forum_topic"."id"'
)


def topic_with_room(*, topic_id: int) -> Topic | None:
    """The topic with its room and community."""
    return Topic.objects.select_related("room__community").filter(pk=topic_id).first()


@dataclass(frozen=True, slots=True)
class ReaderTopic:
    """A topic with the reader's read markers in its room and in it (None where there is none yet)."""

    topic: Topic
    room_read_seq: int | None
    topic_read_seq: int | None


def topic_for_reader(*, topic_id: int, actor: Who) -> ReaderTopic | None:
    """The topic with its room and community, and the reader's markers from the same query.

    The page can then tell without another query whether it has to move the markers.
    """
    actor = as_actor(actor)
    if not actor.is_authenticated:
        topic = topic_with_room(topic_id=topic_id)
        return None if topic is None else ReaderTopic(topic=topic, room_read_seq=None, topic_read_seq=None)
    # Plain SQL with the member's id as its one parameter: the ORM spends ~1 ms of CPU compiling
    # two Subquery()s on every page view. Both lookups are unique-index hits.
    topic = (
        Topic.objects.select_related("room__community")
        .filter(pk=topic_id)
        .annotate(
            reader_room_seq=RawSQL(_READER_ROOM_SEQ, (actor.pk,)),  # noqa: S611
            reader_topic_seq=RawSQL(_READER_TOPIC_SEQ, (actor.pk,)),  # noqa: S611
        )
        .first()
    )
    if topic is None:
        return None
    # The annotations are taken off the instance: the markers travel in ReaderTopic, not on the model.
    room_seq, topic_seq = topic.__dict__.pop("reader_room_seq"), topic.__dict__.pop("reader_topic_seq")
    return ReaderTopic(topic=topic, room_read_seq=room_seq, topic_read_seq=topic_seq)


def read_markers(*, actor: Who, room: Room, topic: Topic | None = None) -> tuple[int | None, int | None]:
    """The reader's marker in the room and (with ``topic``) in the topic, None where there is none: one query."""
    actor = as_actor(actor)
    states = ReadState.objects.filter(user_id=actor.member_id, room=room)
    if topic is None:
        return states.values_list("last_read_seq", flat=True).first(), None
    found = (
        states.annotate(
            topic_seq=Subquery(
                TopicReadState.objects.filter(user_id=actor.member_id, topic=topic).values("last_read_seq")[:1]
            )
        )
        .values_list("last_read_seq", "topic_seq")
        .first()
    )
    if found is None:  # no room marker: the write path creates both
        return None, None
    return found[0], found[1]


# The columns the topic page shows: not the source text, search text or the author's whole profile.
_PAGE_FIELDS = (
    "pk",
    "seq",
    "author_id",
    "body_html",
    "created_at",
    "edited_at",
    "deleted_at",
    "is_hidden",
    "is_pinned",
    "author__email",
    "author__first_name",
    "author__last_name",
    "author__profile__display_name",
)


@dataclass(slots=True)
class PageMessage:
    """One message of the topic page, read as plain values (no model instances: ~1.5 ms a page).

    ``author_name`` is the author's ``User.display_name``, "" for a former member;
    ``reaction_summary`` is {emoji: [user ids]}; ``attachment_list`` holds (id, name, size).
    """

    pk: int
    seq: int
    author_id: int | None
    author_name: str
    body_html: str
    created_at: Any
    edited_at: Any
    deleted_at: Any
    is_hidden: bool
    is_pinned: bool
    has_attachments: bool
    reaction_summary: dict[str, list[int]]
    attachment_list: list[tuple[int, str, int]]


def topic_messages(*, topic: Topic, before_seq: int | None = None, limit: int = HISTORY_PAGE) -> dict[str, Any]:
    """Keyset pagination backwards from the newest: ``before_seq`` is the oldest seq shown.

    ``topic_messages`` is a list of ``PageMessage``, oldest first. Reactions come from one flat
    query for the whole page (a prefetch costs more per message) and attachments from one more,
    only when a message on the page has one.
    """
    qs = Message.objects.filter(topic=topic)
    if before_seq is not None:
        qs = qs.filter(seq__lt=before_seq)
    rows = list(
        # Few messages have attachments: ask for them only when this page has some.
        qs.annotate(has_attachments=Exists(Attachment.objects.filter(message=OuterRef("pk"))))
        .order_by("-seq")
        .values_list(*_PAGE_FIELDS, "has_attachments")[: limit + 1]
    )
    has_older = len(rows) > limit
    rows = rows[:limit]
    rows.reverse()
    batch = [
        PageMessage(
            pk=pk,
            seq=seq,
            author_id=author_id,
            author_name=display_name_of(profile_name, first, last, email) if author_id is not None else "",
            body_html=body_html,
            created_at=created_at,
            edited_at=edited_at,
            deleted_at=deleted_at,
            is_hidden=is_hidden,
            is_pinned=is_pinned,
            has_attachments=attached,
            reaction_summary={},
            attachment_list=[],
        )
        for (
            pk,
            seq,
            author_id,
            body_html,
            created_at,
            edited_at,
            deleted_at,
            is_hidden,
            is_pinned,
            email,
            first,
            last,
            profile_name,
            attached,
        ) in rows
    ]
    by_pk = {m.pk: m for m in batch}
    if by_pk:
        # The unique index's order, the order live reaction frames have had (by member, then emoji).
        for message_id, emoji, user_id in (
            Reaction.objects.filter(message_id__in=list(by_pk))
            .order_by("message_id", "user_id", "emoji")
            .values_list("message_id", "emoji", "user_id")
        ):
            by_pk[message_id].reaction_summary.setdefault(emoji, []).append(user_id)
    with_attachments = [m.pk for m in batch if m.has_attachments]
    if with_attachments:
        for attachment_id, message_id, name, size in (
            Attachment.objects.filter(message_id__in=with_attachments)
            .order_by("pk")
            .values_list("pk", "message_id", "original_name", "size")
        ):
            by_pk[message_id].attachment_list.append((attachment_id, name, size))
    return {"topic_messages": batch, "has_older": has_older, "oldest_seq": batch[0].seq if batch else None}


def latest_messages(*, topic: Topic, limit: int = 5) -> list[Message]:
    qs = Message.objects.filter(topic=topic, deleted_at__isnull=True, is_hidden=False).order_by("-seq")
    return list(reversed(list(qs.select_related("author__profile")[:limit])))
