"""Reads that compose pages from several apps."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse

from accounts.models import Organisation, User, display_name_of
from forum.models import (
    Membership,
    MembershipState,
    ReadState,
    Room,
    RoomKind,
    RoomMember,
    Topic,
)
from forum.selectors.direct import conversation_title, participant_names
from notifications.models import Notification, NotificationKind


def home_page_data(*, user: Any) -> dict[str, Any]:
    return {
        "member_count": User.objects.filter(is_active=True).count(),
        "organisation_count": Organisation.objects.count(),
    }


@dataclass(frozen=True, slots=True)
class Header:
    """What every page's header shows a signed-in member."""

    name: str
    unread_messages: int
    unread_notifications: int


# The header's query is the same for every member but the member: the ORM builds and compiles it
# once per database vendor with a stand-in id (compiling its subqueries cost ~4 ms of CPU per
# page), and each page runs that SQL with the member's id in the stand-in's places.
_STAND_IN = -7_046_113_237
_header_sql: dict[str, tuple[str, tuple[Any, ...]]] = {}


def _header_query() -> tuple[str, tuple[Any, ...]]:
    from forum import selectors as forum_selectors

    vendor = connection.vendor
    if vendor not in _header_sql:
        counts = forum_selectors.unread_counts(user=_STAND_IN)
        qs = (
            User.objects.filter(pk=_STAND_IN)
            .annotate(unread_total=counts["unread_total"], unread_notifications=counts["unread_notifications"])
            .values_list("profile__display_name", "unread_total", "unread_notifications")
        )
        _header_sql[vendor] = qs.query.sql_with_params()
    return _header_sql[vendor]


def header(*, user: User) -> Header:
    """The member's name and unread counts (messages, notifications) for every page: one query."""
    sql, params = _header_query()
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk if p == _STAND_IN else p for p in params])
        row = cursor.fetchone()
    if row is None:  # removed while the request ran
        return Header(name=user.display_name, unread_messages=0, unread_notifications=0)
    profile_name, unread, notifications = row
    # User.display_name with the profile's name this query read: no query for the profile.
    return Header(
        name=display_name_of(profile_name, user.first_name, user.last_name, user.email),
        unread_messages=int(unread),
        unread_notifications=int(notifications),
    )


@dataclass(frozen=True, slots=True)
class SidebarRoom:
    id: int
    name: str
    url: str
    read_seq: int
    head_seq: int
    unread: int
    mentions: int


@dataclass(frozen=True, slots=True)
class SidebarCommunity:
    id: int
    name: str
    url: str
    rooms: list[SidebarRoom]

    @property
    def unread(self) -> int:
        return sum(room.unread for room in self.rooms)


_sidebar_sql: dict[str, tuple[tuple[str, tuple[Any, ...]], tuple[str, tuple[Any, ...]]]] = {}


def _sidebar_queries() -> tuple[tuple[str, tuple[Any, ...]], tuple[str, tuple[Any, ...]]]:
    """The sidebar's two queries, compiled once per database vendor with the stand-in member (as
    the header's): building and compiling them cost more CPU than running them."""
    vendor = connection.vendor
    if vendor not in _sidebar_sql:
        member = _STAND_IN
        active = Membership.objects.filter(user=member, state=MembershipState.ACTIVE)
        communities = active.order_by("community__name", "community_id").values_list(
            "community_id", "community__name", "community__slug"
        )
        read = ReadState.objects.filter(user=member, room=OuterRef("pk")).values("last_read_seq")[:1]
        mentions = (
            Notification.objects.filter(
                user=member, kind=NotificationKind.MENTION, shown=True, read_at__isnull=True, room_id=OuterRef("pk")
            )
            .values("user_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        rooms = (
            Room.objects.filter(community_id__in=active.values("community_id"), is_archived=False)
            .filter(Q(is_restricted=False) | Q(pk__in=RoomMember.objects.filter(user=member).values("room_id")))
            .annotate(read_seq=Coalesce(Subquery(read), F("last_seq")), mentions=Coalesce(Subquery(mentions), 0))
            .order_by("name", "pk")
            .values_list("pk", "community_id", "name", "slug", "last_seq", "read_seq", "mentions")
        )
        _sidebar_sql[vendor] = (communities.query.sql_with_params(), rooms.query.sql_with_params())
    return _sidebar_sql[vendor]


def _run(query: tuple[str, tuple[Any, ...]], user: User) -> list[tuple[Any, ...]]:
    sql, params = query
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk if p == _STAND_IN else p for p in params])
        return list(cursor.fetchall())


def sidebar(*, user: User) -> list[SidebarCommunity]:
    """The member's communities with the rooms they read, unread and mention counts: two queries.

    Unread is counted as ``forum.selectors.unread_total`` counts it (a room without a read marker
    has nothing unread), so the rooms add up to the header's total. Mentions are the member's
    unread mention notifications per room.
    """
    communities_query, rooms_query = _sidebar_queries()
    communities = _run(communities_query, user)
    if not communities:
        return []
    # URLs from one reversed pattern each: slugs are [-a-zA-Z0-9_], nothing to quote.
    room_url = reverse("forum:room", args=["c0mmunity", "r00m"])
    community_url = reverse("forum:community", args=["c0mmunity"])
    by_community: dict[int, list[SidebarRoom]] = {c[0]: [] for c in communities}
    slugs = {c[0]: c[2] for c in communities}
    for pk, community_id, name, slug, head, read_seq, mention_count in _run(rooms_query, user):
        by_community[community_id].append(
            SidebarRoom(
                id=pk,
                name=name,
                url=room_url.replace("/c0mmunity/r00m/", f"/{slugs[community_id]}/{slug}/", 1),
                read_seq=int(read_seq),
                head_seq=int(head),
                unread=max(0, int(head) - int(read_seq)),
                mentions=int(mention_count),
            )
        )
    return [
        SidebarCommunity(
            id=pk, name=name, url=community_url.replace("/c0mmunity/", f"/{slug}/", 1), rooms=by_community[pk]
        )
        for pk, name, slug in communities
    ]


# How many direct conversations the sidebar lists (the latest first); the rest are on the list page.
SIDEBAR_CONVERSATIONS = 12


def sidebar_conversations(*, user: User) -> list[SidebarRoom]:
    """The member's latest direct conversations for the sidebar's "Berichten" section, each named
    after the other participants, with its unread count: two queries. The links carry the same
    data attributes as the room links, so the live sidebar keeps their counts the same way."""
    read = ReadState.objects.filter(user=user, room=OuterRef("pk")).values("last_read_seq")[:1]
    last = Topic.objects.filter(room=OuterRef("pk")).order_by("pk").values("last_message_at")[:1]
    first_topic = Topic.objects.filter(room=OuterRef("pk")).order_by("pk").values("pk")[:1]
    rows = list(
        Room.objects.filter(kind=RoomKind.DIRECT, room_members__user=user, is_archived=False)
        .annotate(
            read_seq=Coalesce(Subquery(read), F("last_seq")), last_at=Subquery(last), topic_id=Subquery(first_topic)
        )
        .order_by(F("last_at").desc(nulls_last=True), "-pk")
        .values_list("pk", "last_seq", "read_seq", "topic_id")[:SIDEBAR_CONVERSATIONS]
    )
    names = participant_names([r[0] for r in rows], viewer_id=user.pk)
    topic_url = reverse("forum:topic", args=[0])
    return [
        SidebarRoom(
            id=pk,
            name=conversation_title(names[pk]),
            url=topic_url.replace("/0/", f"/{int(topic_id or 0)}/", 1),
            read_seq=int(read_seq),
            head_seq=int(head),
            unread=max(0, int(head) - int(read_seq)),
            mentions=0,
        )
        for pk, head, read_seq, topic_id in rows
    ]
