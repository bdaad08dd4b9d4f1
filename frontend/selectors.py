"""Reads that compose pages from several apps."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse

from accounts.models import Organisation, User, display_name_of
from core.compiled import CompiledQuery
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


def _header_query(member: int) -> QuerySet[Any, Any]:
    from forum import selectors as forum_selectors

    counts = forum_selectors.unread_counts(user=member)
    return (
        User.objects.filter(pk=member)
        .annotate(unread_total=counts["unread_total"], unread_notifications=counts["unread_notifications"])
        .values_list("profile__display_name", "unread_total", "unread_notifications")
    )


# The same for every member but the member: compiled once (its subqueries cost ~4 ms of CPU to build).
_HEADER = CompiledQuery(_header_query, "member")


def header(*, user: User) -> Header:
    """The member's name and unread counts (messages, notifications) for every page: one query."""
    rows = _HEADER.rows(member=user.pk)
    if not rows:  # removed while the request ran
        return Header(name=user.display_name, unread_messages=0, unread_notifications=0)
    profile_name, unread, notifications = rows[0]
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


def _sidebar_communities_query(member: int) -> QuerySet[Any, Any]:
    return (
        Membership.objects.filter(user=member, state=MembershipState.ACTIVE)
        .order_by("community__name", "community_id")
        .values_list("community_id", "community__name", "community__slug")
    )


def _sidebar_rooms_query(member: int) -> QuerySet[Any, Any]:
    active = Membership.objects.filter(user=member, state=MembershipState.ACTIVE)
    read = ReadState.objects.filter(user=member, room=OuterRef("pk")).values("last_read_seq")[:1]
    mentions = (
        Notification.objects.filter(
            user=member, kind=NotificationKind.MENTION, shown=True, read_at__isnull=True, room_id=OuterRef("pk")
        )
        .values("user_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Room.objects.filter(community_id__in=active.values("community_id"), is_archived=False)
        .filter(Q(is_restricted=False) | Q(pk__in=RoomMember.objects.filter(user=member).values("room_id")))
        .annotate(read_seq=Coalesce(Subquery(read), F("last_seq")), mentions=Coalesce(Subquery(mentions), 0))
        .order_by("name", "pk")
        .values_list("pk", "community_id", "name", "slug", "last_seq", "read_seq", "mentions")
    )


# The sidebar's queries, compiled once: building them cost more CPU than running them.
_SIDEBAR_COMMUNITIES = CompiledQuery(_sidebar_communities_query, "member")
_SIDEBAR_ROOMS = CompiledQuery(_sidebar_rooms_query, "member")


def sidebar(*, user: User) -> list[SidebarCommunity]:
    """The member's communities with the rooms they read, unread and mention counts: two queries.

    Unread is counted as ``forum.selectors.unread_total`` counts it (a room without a read marker
    has nothing unread), so the rooms add up to the header's total. Mentions are the member's
    unread mention notifications per room.
    """
    communities = _SIDEBAR_COMMUNITIES.rows(member=user.pk)
    if not communities:
        return []
    # URLs from one reversed pattern each: slugs are [-a-zA-Z0-9_], nothing to quote.
    room_url = reverse("forum:room", args=["c0mmunity", "r00m"])
    community_url = reverse("forum:community", args=["c0mmunity"])
    by_community: dict[int, list[SidebarRoom]] = {c[0]: [] for c in communities}
    slugs = {c[0]: c[2] for c in communities}
    for pk, community_id, name, slug, head, read_seq, mention_count in _SIDEBAR_ROOMS.rows(member=user.pk):
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


def _sidebar_conversations_query(member: int) -> QuerySet[Any, Any]:
    read = ReadState.objects.filter(user=member, room=OuterRef("pk")).values("last_read_seq")[:1]
    last = Topic.objects.filter(room=OuterRef("pk")).order_by("pk").values("last_message_at")[:1]
    first_topic = Topic.objects.filter(room=OuterRef("pk")).order_by("pk").values("pk")[:1]
    return (
        Room.objects.filter(kind=RoomKind.DIRECT, room_members__user=member, is_archived=False)
        .annotate(
            read_seq=Coalesce(Subquery(read), F("last_seq")), last_at=Subquery(last), topic_id=Subquery(first_topic)
        )
        .order_by(F("last_at").desc(nulls_last=True), "-pk")
        .values_list("pk", "last_seq", "read_seq", "topic_id")[:SIDEBAR_CONVERSATIONS]
    )


_SIDEBAR_CONVERSATIONS = CompiledQuery(_sidebar_conversations_query, "member")


def sidebar_conversations(*, user: User) -> list[SidebarRoom]:
    """The member's latest direct conversations for the sidebar's "Berichten" section, each named
    after the other participants, with its unread count: two queries (one when there are none).
    The links carry the same data attributes as the room links, so the live sidebar keeps their
    counts the same way."""
    rows = _SIDEBAR_CONVERSATIONS.rows(member=user.pk)
    if not rows:
        return []
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
