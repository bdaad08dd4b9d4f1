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
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from accounts.actor import as_actor
from accounts.models import User, display_name_of
from forum import permissions
from forum.message_markup import AttachmentView, MessageView, ReplyView, avatar_url, excerpt_of, initials
from forum.models import (
    Attachment,
    Membership,
    MembershipState,
    Message,
    Reaction,
    ReadState,
    Room,
    RoomMember,
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


# The columns an article shows: not the source text, search text or the author's whole profile.
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
    "reply_to_id",
    "room_id",
    "topic_id",
    "client_id",
    "author__email",
    "author__first_name",
    "author__last_name",
    "author__profile__display_name",
    "author__profile__organisation__name",
    "author__profile__avatar",
)


@dataclass(slots=True)
class MessagePage:
    """Articles' data for a page or fragment, oldest first, and the names of who reacted."""

    messages: list[MessageView]
    names: dict[int, str]
    has_older: bool

    @property
    def oldest_seq(self) -> int | None:
        return self.messages[0].seq if self.messages else None


def _views(rows: list[tuple[Any, ...]], accepted_id: int | None) -> list[MessageView]:
    return [
        MessageView(
            pk=pk,
            seq=seq,
            author_id=author_id,
            author_name=display_name_of(profile_name, first, last, email) if author_id is not None else "",
            organisation=organisation or "",
            avatar=avatar or "",
            created_at=created_at,
            edited=edited_at is not None,
            deleted=deleted_at is not None,
            hidden=is_hidden,
            pinned=is_pinned,
            body_html=body_html,
            accepted=pk == accepted_id,
            reply=ReplyView(seq=0, author_name="", excerpt="", gone=True) if reply_to_id else None,
            reply_to_id=reply_to_id,
            has_attachments=attached,
            room_id=room_id,
            topic_id=topic_id,
            client_id=str(client_id),
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
            reply_to_id,
            room_id,
            topic_id,
            client_id,
            email,
            first,
            last,
            profile_name,
            organisation,
            avatar,
            attached,
        ) in rows
    ]


def load_messages(
    queryset: QuerySet[Message], *, accepted_id: int | None = None, limit: int | None = None, oldest: bool = False
) -> MessagePage:
    """The articles' data for ``queryset``'s messages, the newest ``limit`` of them (``oldest``: the
    oldest ``limit``), oldest first; ``has_older`` says whether more matched.

    One query for the messages (with author, organisation and avatar joined), one flat query for
    their reactions with the reactors' names, and only when needed one for attachments and one
    for the messages replied to.
    """
    qs = queryset.annotate(has_attachments=Exists(Attachment.objects.filter(message=OuterRef("pk"))))
    fetched = qs.order_by("seq" if oldest else "-seq").values_list(*_PAGE_FIELDS, "has_attachments")
    rows = list(fetched[: limit + 1] if limit is not None else fetched)
    has_older = limit is not None and len(rows) > limit
    rows = rows[:limit] if limit is not None else rows
    if not oldest:
        rows.reverse()
    batch = _views(rows, accepted_id)
    by_pk = {m.pk: m for m in batch}
    names: dict[int, str] = {}
    if by_pk:
        # The unique index's order, the order live reaction frames have (by member, then emoji).
        for message_id, emoji, user_id, name in (
            Reaction.objects.filter(message_id__in=list(by_pk))
            .order_by("message_id", "user_id", "emoji")
            .values_list("message_id", "emoji", "user_id", "user__profile__display_name")
        ):
            by_pk[message_id].reactions.setdefault(emoji, []).append(user_id)
            names[user_id] = name or ""
    with_attachments = [m.pk for m in batch if m.has_attachments]
    if with_attachments:
        for message_id, view in attachment_views(with_attachments):
            by_pk[message_id].attachments.append(view)
    replied = {m.reply_to_id for m in batch if m.reply_to_id}
    if replied:
        targets = reply_views(replied)
        for m in batch:
            if m.reply_to_id:
                m.reply = targets.get(m.reply_to_id, m.reply)
    return MessagePage(messages=batch, names=names, has_older=has_older)


def attachment_views(message_ids: list[int]) -> list[tuple[int, AttachmentView]]:
    """(message id, attachment) for these messages' attachments, in upload order: one query."""
    return [
        (
            message_id,
            AttachmentView(
                pk=pk,
                name=name,
                size=size,
                is_image=is_image,
                caption=caption,
                width=thumb_w or width,
                height=thumb_h or height,
                has_thumbnail=bool(thumbnail),
            ),
        )
        for pk, message_id, name, size, is_image, caption, width, height, thumbnail, thumb_w, thumb_h in (
            Attachment.objects.filter(message_id__in=message_ids)
            .order_by("pk")
            .values_list(
                "pk",
                "message_id",
                "original_name",
                "size",
                "is_image",
                "caption",
                "width",
                "height",
                "thumbnail",
                "thumbnail_width",
                "thumbnail_height",
            )
        )
    ]


def reply_views(message_ids: set[int]) -> dict[int, ReplyView]:
    """The messages replied to, as a reply shows them: one query."""
    found = {}
    for (
        pk,
        seq,
        author_id,
        email,
        first,
        last,
        profile_name,
        search_text,
        deleted_at,
        is_hidden,
    ) in Message.objects.filter(pk__in=message_ids).values_list(
        "pk",
        "seq",
        "author_id",
        "author__email",
        "author__first_name",
        "author__last_name",
        "author__profile__display_name",
        "search_text",
        "deleted_at",
        "is_hidden",
    ):
        gone = deleted_at is not None or is_hidden
        found[pk] = ReplyView(
            seq=seq,
            author_name=display_name_of(profile_name, first, last, email) if author_id is not None else "",
            excerpt="" if gone else excerpt_of(search_text),
            gone=gone,
        )
    return found


def topic_messages(*, topic: Topic, before_seq: int | None = None, limit: int = HISTORY_PAGE) -> MessagePage:
    """Keyset pagination backwards from the newest: ``before_seq`` is the oldest seq shown."""
    qs = Message.objects.filter(topic=topic)
    if before_seq is not None:
        qs = qs.filter(seq__lt=before_seq)
    return load_messages(qs, accepted_id=topic.accepted_answer_id, limit=limit)


def message_view(*, message_id: int, accepted_id: int | None = None) -> MessageView | None:
    """One message's article data (for the accepted answer and for frames of edits and moderation)."""
    page = load_messages(Message.objects.filter(pk=message_id), accepted_id=accepted_id)
    return page.messages[0] if page.messages else None


def first_seq(*, topic: Topic) -> int | None:
    return Message.objects.filter(topic=topic).order_by("seq").values_list("seq", flat=True).first()


def latest_messages(*, topic: Topic, limit: int = 5) -> list[Message]:
    qs = Message.objects.filter(topic=topic, deleted_at__isnull=True, is_hidden=False).order_by("-seq")
    return list(reversed(list(qs.select_related("author__profile")[:limit])))


MENTION_SUGGESTIONS = 8


def room_readers(*, room: Room, q: str, limit: int = MENTION_SUGGESTIONS) -> list[dict[str, Any]]:
    """Members of the room whose name starts with ``q``'s words (each word a name's start or a later
    word's), for mention autocomplete: one query, at most ``limit``, same-named members told apart
    by organisation and avatar, each with the unambiguous mention ``@**Name|id**``."""
    people = User.objects.filter(is_active=True)
    if room.is_restricted:
        people = people.filter(pk__in=RoomMember.objects.filter(room=room).values("user_id")).exclude(
            pk__in=Membership.objects.filter(community_id=room.community_id, state=MembershipState.BANNED).values(
                "user_id"
            )
        )
    else:
        people = people.filter(
            pk__in=Membership.objects.filter(community_id=room.community_id, state=MembershipState.ACTIVE).values(
                "user_id"
            )
        )
    for word in q.split()[:4]:
        people = people.filter(
            Q(profile__display_name__istartswith=word) | Q(profile__display_name__icontains=f" {word}")
        )
    rows = people.order_by("profile__display_name", "pk").values_list(
        "pk",
        "email",
        "first_name",
        "last_name",
        "profile__display_name",
        "profile__organisation__name",
        "profile__avatar",
    )[:limit]
    results = []
    for pk, email, first, last, profile_name, organisation, avatar in rows:
        name = display_name_of(profile_name, first, last, email)
        results.append(
            {
                "id": pk,
                "name": name,
                "organisation": organisation or "",
                "avatar_url": avatar_url(avatar or ""),
                "initials": initials(name),
                "mention": f"@**{name}|{pk}**",
            }
        )
    return results


def readable_room(*, actor: Who, room_id: int) -> Room | None:
    """The room with its community, if the actor may read it; None alike for missing and closed (the API)."""
    room = Room.objects.select_related("community").filter(pk=room_id).first()
    if room is None or not permissions.can_read_room(as_actor(actor), room):
        return None
    return room


def readable_topic(*, actor: Who, topic_id: int) -> Topic | None:
    """The topic with its room and community, if the actor may read its room (the API)."""
    topic = topic_with_room(topic_id=topic_id)
    if topic is None or not permissions.can_read_room(as_actor(actor), topic.room):
        return None
    return topic


def readable_message(*, actor: Who, message_id: int) -> Message | None:
    """The message with its room, topic and community, if the actor may read its room (the API)."""
    message = Message.objects.select_related("room__community", "topic").filter(pk=message_id).first()
    if message is None or not permissions.can_read_room(as_actor(actor), message.room):
        return None
    return message


def room_messages_after(*, room: Room, after_seq: int, limit: int, topic_id: int | None = None) -> MessagePage:
    """A room's messages after ``after_seq``, oldest first, at most ``limit`` (``has_older``: more follow).

    The API's cursor: seqs are 1, 2, 3 … per room, so ``after`` is a stable position however
    many messages arrive meanwhile.
    """
    qs = Message.objects.filter(room=room, seq__gt=after_seq)
    if topic_id is not None:
        qs = qs.filter(topic_id=topic_id)
    return load_messages(qs, limit=limit, oldest=True)
