"""Every read the forum's pages and the realtime layer use. Bounded queries, paginated."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import (
    BigIntegerField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Greatest
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.safestring import SafeString, mark_safe

from accounts.models import User, display_name_of
from forum import permissions
from forum.models import (
    Attachment,
    AuditEntry,
    Community,
    Flag,
    FlagState,
    Membership,
    MembershipState,
    Message,
    Notification,
    Reaction,
    ReadState,
    Role,
    Room,
    RoomMember,
    Topic,
    TopicReadState,
    Visibility,
)
from forum.serializers import author_name, group_reactions, message_frame

HISTORY_PAGE = 50
REPLAY_LIMIT = 500


# --- directory and community ----------------------------------------------------------------


@dataclass
class DirectoryFilters:
    q: str = ""
    kind: str = ""
    sector: str = ""
    region: str = ""
    scope: str = ""


def _visible_communities(user: Any) -> QuerySet[Community]:
    qs = Community.objects.filter(is_system=False)
    if permissions.is_platform_admin(user):
        return qs
    if getattr(user, "is_authenticated", False):
        mine = Membership.objects.filter(user=user, state__in=[MembershipState.ACTIVE, MembershipState.INVITED]).values(
            "community_id"
        )
        banned = Membership.objects.filter(user=user, state=MembershipState.BANNED).values("community_id")
        return qs.filter(~Q(visibility=Visibility.INVITE_ONLY) | Q(pk__in=mine)).exclude(pk__in=banned)
    return qs.exclude(visibility=Visibility.INVITE_ONLY)


def directory(*, user: Any, filters: DirectoryFilters, page: int = 1, per_page: int = 24) -> dict[str, Any]:
    base = _visible_communities(user)
    if filters.q:
        base = base.filter(
            Q(name__icontains=filters.q) | Q(description__icontains=filters.q) | Q(waaromvraag__icontains=filters.q)
        )

    def narrowed(*skip: str) -> QuerySet[Community]:
        qs = base
        if filters.kind and "kind" not in skip:
            qs = qs.filter(kind=filters.kind)
        if filters.sector and "sector" not in skip:
            qs = qs.filter(sectors__slug=filters.sector)
        if filters.region and "region" not in skip:
            qs = qs.filter(regions__slug=filters.region)
        if filters.scope and "scope" not in skip:
            qs = qs.filter(scope=filters.scope)
        return qs

    # Facet counts: each facet counts within the other active filters. A community has exactly one
    # kind and one scope, so one count per (kind, scope) gives the kind facet, the scope facet and the
    # number of results; sectors and regions take a query each.
    by_kind: dict[str, int] = {}
    by_scope: dict[str, int] = {}
    total = 0
    for row in narrowed("kind", "scope").values("kind", "scope").annotate(n=Count("pk", distinct=True)).order_by():
        kind_ok = not filters.kind or row["kind"] == filters.kind
        scope_ok = not filters.scope or row["scope"] == filters.scope
        if scope_ok:
            by_kind[row["kind"]] = by_kind.get(row["kind"], 0) + row["n"]
        if kind_ok:
            by_scope[row["scope"]] = by_scope.get(row["scope"], 0) + row["n"]
        if kind_ok and scope_ok:
            total += row["n"]
    facets = {
        "kind": [{"kind": k, "n": by_kind[k]} for k in sorted(by_kind)],
        "sector": list(
            narrowed("sector")
            .filter(sectors__isnull=False)
            .values(facet_slug=F("sectors__slug"), facet_name=F("sectors__name"))
            .annotate(n=Count("pk", distinct=True))
            .order_by("facet_name")
        ),
        "region": list(
            narrowed("region")
            .filter(regions__isnull=False)
            .values(facet_slug=F("regions__slug"), facet_name=F("regions__name"))
            .annotate(n=Count("pk", distinct=True))
            .order_by("facet_name")
        ),
        "scope": [{"scope": k, "n": by_scope[k]} for k in sorted(by_scope)],
    }
    results = narrowed().distinct().order_by("-member_count", "name")
    paginator = Paginator(results, per_page)
    paginator.count = total  # known from the facet query: no COUNT(*) over the DISTINCT
    result_page = paginator.get_page(page)
    communities: list[Community] = list(result_page.object_list)
    result_page.object_list = communities
    # Each card's sector and region names: one flat query each (a prefetch costs more per row).
    ids = [c.pk for c in communities]
    sectors: dict[int, list[str]] = {}
    regions: dict[int, list[str]] = {}
    if ids:
        for community_id, name in (
            Community.sectors.through.objects.filter(community_id__in=ids)
            .order_by("sector__name")
            .values_list("community_id", "sector__name")
        ):
            sectors.setdefault(community_id, []).append(name)
        for community_id, name in (
            Community.regions.through.objects.filter(community_id__in=ids)
            .order_by("region__name")
            .values_list("community_id", "region__name")
        ):
            regions.setdefault(community_id, []).append(name)
    for community in communities:
        community.sector_names = sectors.get(community.pk, [])  # type: ignore[attr-defined]
        community.region_names = regions.get(community.pk, [])  # type: ignore[attr-defined]
    return {"page": result_page, "facets": facets}


def community_detail(*, user: Any, slug: str) -> Community | None:
    community = (
        Community.objects.filter(slug=slug, is_system=False)
        .prefetch_related("sectors", "regions", "partners", "learning_functions", "related")
        .first()
    )
    if community is None or not permissions.can_view_community(user, community):
        return None
    return community


def community_page_data(*, user: Any, community: Community) -> dict[str, Any]:
    facilitators = (
        Membership.objects.filter(
            community=community, state=MembershipState.ACTIVE, role__in=[Role.FACILITATOR, Role.OWNER]
        )
        .select_related("user__profile")
        .order_by("role", "user__profile__display_name")[:20]
    )
    rooms = readable_rooms(user=user, community=community)
    related = [c for c in community.related.all() if c.visibility != Visibility.INVITE_ONLY and not c.is_system]
    return {
        "community": community,
        "membership": permissions.membership_of(user, community),
        "facilitators": list(facilitators),
        "rooms": rooms,
        "related": related,
        "can_join": permissions.can_join(user, community),
        "can_moderate": permissions.can_moderate_community(user, community),
        "pending_requests": (
            Membership.objects.filter(community=community, state=MembershipState.REQUESTED).count()
            if permissions.can_moderate_community(user, community)
            else 0
        ),
    }


def readable_rooms(*, user: Any, community: Community) -> list[Room]:
    """The rooms of a community this user may read, with unread counts (one query)."""
    if not getattr(user, "is_authenticated", False) or permissions.is_banned(user, community):
        return []
    readable = Q(pk__in=RoomMember.objects.filter(user=user).values("room_id"))
    if (
        permissions.is_active_member(user, community)
        or permissions.is_platform_admin(user)
        or (community.visibility == Visibility.OPEN and not community.is_system)
    ):
        readable |= Q(is_restricted=False)
    read = ReadState.objects.filter(user=user, room=OuterRef("pk")).values("last_read_seq")[:1]
    rooms: list[Room] = list(
        Room.objects.filter(readable, community=community)
        .annotate(read_seq=Coalesce(Subquery(read), F("last_seq"), output_field=IntegerField()))
        .order_by("is_archived", "name")
    )
    for room in rooms:
        room.unread = max(0, room.last_seq - room.read_seq)  # type: ignore[attr-defined]
    return rooms


def members(*, community: Community, state: str = MembershipState.ACTIVE, page: int = 1) -> Page[Membership]:
    qs = (
        Membership.objects.filter(community=community, state=state)
        .select_related("user__profile__organisation")
        .order_by("user__profile__display_name")
    )
    return Paginator(qs, 50).get_page(page)


# --- rooms, topics, messages ----------------------------------------------------------------------


def room_by_slugs(*, community_slug: str, room_slug: str) -> Room | None:
    return (
        Room.objects.select_related("community")
        .filter(community__slug=community_slug, slug=room_slug, community__is_system=False)
        .first()
        or Room.objects.select_related("community")
        .filter(community__slug=community_slug, slug=room_slug, is_restricted=True)
        .first()
    )


def room_topics(*, user: Any, room: Room, page: int = 1, per_page: int = 30) -> Page[Any]:
    """Topics, newest activity first, each with ``read_seq``: unread when below ``last_seq``."""
    read = TopicReadState.objects.filter(user_id=user.pk, topic=OuterRef("pk")).values("last_read_seq")[:1]
    room_read = ReadState.objects.filter(user_id=user.pk, room=room).values("last_read_seq")[:1]
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


def topic_with_room(*, topic_id: int, reader: Any = None) -> Topic | None:
    """The topic with its room and community; with ``reader``, also their read markers.

    ``reader_room_seq`` and ``reader_topic_seq`` (None where the reader has no marker yet) come
    from the same query, so the page can tell without another query whether it has to move them.
    """
    qs = Topic.objects.select_related("room__community").filter(pk=topic_id)
    if getattr(reader, "is_authenticated", False):
        # Plain SQL with the member's id as its one parameter: the ORM spends ~1 ms of CPU compiling
        # two Subquery()s on every page view. Both lookups are unique-index hits.
        qs = qs.annotate(
            reader_room_seq=RawSQL(_READER_ROOM_SEQ, (reader.pk,)),  # noqa: S611
            reader_topic_seq=RawSQL(_READER_TOPIC_SEQ, (reader.pk,)),  # noqa: S611
        )
    return qs.first()


def read_markers(*, user: Any, room: Room, topic: Topic | None = None) -> tuple[int | None, int | None]:
    """The reader's marker in the room and (with ``topic``) in the topic, None where there is none: one query."""
    states = ReadState.objects.filter(user=user, room=room)
    if topic is None:
        return states.values_list("last_read_seq", flat=True).first(), None
    found = (
        states.annotate(
            topic_seq=Subquery(TopicReadState.objects.filter(user=user, topic=topic).values("last_read_seq")[:1])
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


# --- the topic page's message list: display data computed once per page, not per template tag ---


@dataclass(frozen=True, slots=True)
class TopicViewer:
    """What the viewer may do on one topic page, decided once for the page from their role."""

    user_id: int | None
    can_post: bool
    can_moderate: bool
    can_manage: bool


@dataclass(frozen=True, slots=True)
class AttachmentRow:
    url: str
    name: str
    size: str


@dataclass(frozen=True, slots=True)
class MessageRow:
    """One message as the topic page shows it. An empty URL means the viewer may not do that.

    ``pk`` and ``seq`` are text: the template would put an int through number localisation each time.
    """

    pk: str
    seq: str
    author_name: str  # "" for a former member
    author_url: str
    created_iso: str
    created_label: str  # as {{ created_at|date:"j M Y H:i" }}
    history_url: str  # edited and not deleted
    is_pinned: bool
    is_hidden: bool
    is_accepted: bool
    is_deleted: bool
    hidden_from_viewer: bool  # hidden by a facilitator; facilitators still see it
    body_html: SafeString
    attachments: list[AttachmentRow]
    reactions: list[tuple[str, int]]
    actions: bool  # shown, to a signed-in viewer
    react_url: str
    edit_url: str
    delete_url: str
    pin_url: str
    hide_url: str
    can_accept: bool
    flag_url: str


_MARK = 987654321


class _UrlFormat:
    """Reverse a URL once with a marker for the id, then make each row's URL by joining strings."""

    def __init__(self, name: str, *rest: str) -> None:
        self.head, self.tail = reverse(name, args=[_MARK, *rest]).split(str(_MARK))

    def __call__(self, pk: int) -> str:
        return f"{self.head}{pk}{self.tail}"


def message_rows(*, messages: list[PageMessage], topic: Topic, viewer: TopicViewer) -> list[MessageRow]:
    """The topic page's rows: URLs, labels, dates and the viewer's actions, without a query."""
    profile = _UrlFormat("accounts:profile")
    history = _UrlFormat("forum:message_history")
    edit = _UrlFormat("forum:message_edit")
    attachment = _UrlFormat("forum:attachment")
    action = {
        name: _UrlFormat("forum:message_action", name)
        for name in ("react", "delete", "pin", "unpin", "hide", "restore", "flag")
    }
    uid, can_post, can_moderate = viewer.user_id, viewer.can_post, viewer.can_moderate
    accept_possible = topic.is_question and viewer.can_manage
    signed_in = uid is not None
    current = timezone.get_current_timezone()
    months: dict[int, str] = {}

    def month(number: int) -> str:
        """As the date filter's "M" (translated once per month per page, not per message)."""
        if number not in months:
            months[number] = MONTHS_3[number].title()
        return months[number]

    rows = []
    for m in messages:
        pk = m.pk
        deleted = m.deleted_at is not None
        hidden = m.is_hidden and not can_moderate
        shown = not deleted and not hidden
        acts = signed_in and shown
        own = m.author_id == uid
        created = timezone.localtime(m.created_at, current)
        rows.append(
            MessageRow(
                pk=str(pk),
                seq=str(m.seq),
                author_name=m.author_name,
                author_url=profile(m.author_id) if m.author_id is not None else "",
                created_iso=created.isoformat(),
                created_label=f"{created.day} {month(created.month)} {created.year:04d} {created:%H:%M}",
                history_url=history(pk) if m.edited_at and not deleted else "",
                is_pinned=m.is_pinned,
                is_hidden=m.is_hidden,
                is_accepted=topic.accepted_answer_id == pk,
                is_deleted=deleted,
                hidden_from_viewer=hidden,
                body_html=mark_safe(m.body_html) if shown else SafeString(),  # noqa: S308  (sanitised at write time)
                attachments=[
                    AttachmentRow(attachment(a_id), name, filesizeformat(size))
                    for a_id, name, size in m.attachment_list
                ]
                if shown
                else [],
                reactions=[(emoji, len(users)) for emoji, users in m.reaction_summary.items()],
                actions=acts,
                react_url=action["react"](pk) if acts and can_post else "",
                edit_url=edit(pk) if acts and own and can_post else "",
                delete_url=action["delete"](pk) if acts and (own or can_moderate) else "",
                pin_url=action["unpin" if m.is_pinned else "pin"](pk) if acts and can_moderate else "",
                hide_url=action["restore" if m.is_hidden else "hide"](pk) if acts and can_moderate else "",
                can_accept=acts and accept_possible and topic.accepted_answer_id != pk,
                flag_url=action["flag"](pk) if acts and not own else "",
            )
        )
    return rows


def latest_messages(*, topic: Topic, limit: int = 5) -> list[Message]:
    qs = Message.objects.filter(topic=topic, deleted_at__isnull=True, is_hidden=False).order_by("-seq")
    return list(reversed(list(qs.select_related("author__profile")[:limit])))


_FRAME_FIELDS = (
    "room_id",
    "topic_id",
    "seq",
    "author_id",
    "client_id",
    "body_html",
    "created_at",
    "edited_at",
    "deleted_at",
    "is_hidden",
    "is_pinned",
)


def room_history_frames(*, room: Room, after_seq: int, limit: int = REPLAY_LIMIT) -> tuple[list[dict[str, Any]], bool]:
    """Frames for messages with seq > after_seq, oldest first; ``complete`` is False past the bound.

    Three queries whatever the size: the messages (only the columns a frame has), their reactions,
    and their (few distinct) authors, each loaded once instead of joined into every row.
    """
    rows = list(Message.objects.filter(room=room, seq__gt=after_seq).only(*_FRAME_FIELDS).order_by("seq")[: limit + 1])
    complete = len(rows) <= limit
    rows = rows[:limit]
    by_message: dict[int, list[tuple[str, int]]] = {}
    for message_id, emoji, user_id in Reaction.objects.filter(message__in=[m.pk for m in rows]).values_list(
        "message_id", "emoji", "user_id"
    ):
        by_message.setdefault(message_id, []).append((emoji, user_id))
    author_ids = {m.author_id for m in rows if m.author_id}
    authors = {
        user.pk: user
        for user in User.objects.filter(pk__in=author_ids)
        .select_related("profile")
        .only("email", "first_name", "last_name", "profile__user_id", "profile__display_name")
    }
    for m in rows:
        if m.author_id in authors:
            m.author = authors[m.author_id]
    frames = [
        message_frame(m, author_name=author_name(m), reactions=group_reactions(by_message.get(m.pk, ()))) for m in rows
    ]
    return frames, complete


def room_range_frames(*, room: Room, from_seq: int, to_seq: int) -> list[dict[str, Any]]:
    frames, _complete = room_history_frames(
        room=room, after_seq=from_seq - 1, limit=max(0, min(to_seq - from_seq + 1, REPLAY_LIMIT))
    )
    return [f for f in frames if f["seq"] <= to_seq]


def message_in_room(*, room_id: int, seq: int) -> Message | None:
    return (
        Message.objects.select_related("room__community", "topic", "author__profile")
        .filter(room_id=room_id, seq=seq)
        .first()
    )


# --- unread, notifications ----------------------------------------------------------------------------


def _counted_read_states(user: Any) -> QuerySet[ReadState]:
    """The member's markers in the rooms they read: those of their communities, and listed rooms."""
    active = Membership.objects.filter(user=user, state=MembershipState.ACTIVE).values("community_id")
    listed = RoomMember.objects.filter(user=user).values("room_id")
    return ReadState.objects.filter(user=user).filter(
        Q(room__is_restricted=False, room__community_id__in=active) | Q(room_id__in=listed)
    )


def unread_total(*, user: Any) -> int:
    """Unread messages over all rooms this member reads: one query."""
    if not getattr(user, "is_authenticated", False):
        return 0
    total = _counted_read_states(user).aggregate(n=Sum(F("room__last_seq") - F("last_read_seq")))["n"]
    return max(0, int(total or 0))


def unread_notifications(*, user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def unread_counts(*, user: Any) -> dict[str, Any]:
    """``unread_total`` and ``unread_notifications`` as annotations for a query on the member's row.

    The page header folds them into the one query it makes for the member (see
    ``frontend.selectors.header``); both are 0 or more, as the functions above return them.
    """
    messages = (
        _counted_read_states(user)
        .values("user_id")
        .annotate(n=Sum(F("room__last_seq") - F("last_read_seq")))
        .values("n")
    )
    unread = Notification.objects.filter(user=user, read_at__isnull=True).values("user_id").annotate(n=Count("pk"))
    return {
        "unread_total": Greatest(Coalesce(Subquery(messages), 0), 0, output_field=BigIntegerField()),
        "unread_notifications": Coalesce(Subquery(unread.values("n")), 0, output_field=BigIntegerField()),
    }


def notifications(*, user: User, page: int = 1) -> Page[Notification]:
    return Paginator(Notification.objects.filter(user=user).order_by("-created_at", "-pk"), 30).get_page(page)


# --- moderation -----------------------------------------------------------------------------------------


def moderation_queue(*, community: Community, page: int = 1) -> Page[Any]:
    flagged = (
        Message.objects.filter(room__community=community, flags__state=FlagState.OPEN)
        .annotate(open_flags=Count("flags", filter=Q(flags__state=FlagState.OPEN)))
        .select_related("author__profile", "topic", "room")
        .prefetch_related(
            Prefetch("flags", queryset=Flag.objects.filter(state=FlagState.OPEN).select_related("reporter__profile"))
        )
        .order_by("-open_flags", "-pk")
    )
    return Paginator(flagged, 25).get_page(page)


def audit_log(*, community: Community, page: int = 1) -> Page[AuditEntry]:
    return Paginator(AuditEntry.objects.filter(community=community).select_related("actor__profile"), 50).get_page(page)


# --- search ------------------------------------------------------------------------------------------------

MARK_START, MARK_END = "\x02", "\x03"


def _highlight_python(text: str, words: list[str], width: int = 240) -> str:
    """Escape first, then mark the words: the result is safe HTML."""
    lowered = text.lower()
    first = min((lowered.find(w.lower()) for w in words if w and lowered.find(w.lower()) >= 0), default=0)
    start = max(0, first - width // 3)
    snippet = text[start : start + width]
    escaped = html.escape(snippet)
    for word in sorted({w for w in words if w}, key=len, reverse=True):
        escaped = re.sub(
            re.escape(html.escape(word)), lambda m: f"<mark>{m.group(0)}</mark>", escaped, flags=re.IGNORECASE
        )
    return ("…" if start else "") + escaped + ("…" if start + width < len(text) else "")


def _safe_headline(headline: str) -> str:
    escaped = html.escape(headline)
    return escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")


def search(*, user: Any, q: str, page: int = 1) -> dict[str, Any]:
    """Messages and topics this user may read; PostgreSQL full-text (Dutch and English)."""
    q = q.strip()[:200]
    if not q or not getattr(user, "is_authenticated", False):
        return {"page": None, "q": q}
    active = Membership.objects.filter(user=user, state=MembershipState.ACTIVE).values("community_id")
    banned = Membership.objects.filter(user=user, state=MembershipState.BANNED).values("community_id")
    listed = RoomMember.objects.filter(user=user).values("room_id")
    readable = (
        Q(room__is_restricted=False)
        & (
            Q(room__community_id__in=active)
            | Q(room__community__visibility=Visibility.OPEN, room__community__is_system=False)
        )
        & ~Q(room__community_id__in=banned)
    )
    if permissions.is_platform_admin(user):
        readable = Q(room__is_restricted=False) & ~Q(room__community_id__in=banned)
    readable |= Q(room_id__in=listed) & ~Q(room__community_id__in=banned)
    qs = Message.objects.filter(readable, deleted_at__isnull=True, is_hidden=False)
    if settings.USING_POSTGRES:
        from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector

        vector = SearchVector("search_text", config="dutch") + SearchVector("search_text", config="english")
        query = SearchQuery(q, config="dutch", search_type="websearch") | SearchQuery(
            q, config="english", search_type="websearch"
        )
        qs = (
            qs.annotate(rank=SearchRank(vector, query))
            .filter(rank__gt=0)
            .annotate(
                headline=SearchHeadline(
                    "search_text",
                    query,
                    config="dutch",
                    start_sel=MARK_START,
                    stop_sel=MARK_END,
                    max_words=35,
                    min_words=15,
                )
            )
            .order_by("-rank", "-pk")
        )
    else:
        words = q.split()
        for word in words:
            qs = qs.filter(search_text__icontains=word)
        qs = qs.annotate(rank=Value(1)).order_by("-pk")
    qs = qs.select_related("author__profile", "topic", "room__community")
    result_page = Paginator(qs, 20).get_page(page)
    for message in result_page:
        if settings.USING_POSTGRES:
            message.snippet = _safe_headline(message.headline)  # type: ignore[attr-defined]
        else:
            message.snippet = _highlight_python(message.search_text, q.split())  # type: ignore[attr-defined]
    return {"page": result_page, "q": q}
