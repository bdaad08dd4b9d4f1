"""Reads for direct conversations, the member card and the community's member list."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import F, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce

from accounts.actor import Actor, as_actor
from accounts.models import Profile, User, display_name_of
from forum import permissions
from forum.models import (
    Block,
    Community,
    DirectMessageSetting,
    Flag,
    FlagState,
    Membership,
    MembershipState,
    Message,
    ReadState,
    Room,
    RoomKind,
    RoomMember,
    Topic,
    WhoMayMessage,
)


def participant_names(room_ids: list[int], *, viewer_id: int | None) -> dict[int, list[str]]:
    """Per conversation, the names of its participants other than the viewer: one query."""
    names: dict[int, list[str]] = {rid: [] for rid in room_ids}
    if not room_ids:
        return names
    members = RoomMember.objects.filter(room_id__in=room_ids)
    if viewer_id is not None:
        members = members.exclude(user_id=viewer_id)
    rows = members.order_by("room_id", "user__profile__display_name", "user_id").values_list(
        "room_id", "user__profile__display_name", "user__first_name", "user__last_name", "user__email"
    )
    for room_id, profile_name, first, last, email in rows:
        names[room_id].append(display_name_of(profile_name, first, last, email))
    return names


def conversation_title(names: list[str]) -> str:
    return ", ".join(names) if names else "—"


@dataclass(frozen=True, slots=True)
class ConversationRow:
    room_id: int
    topic_id: int
    title: str
    last_message_at: Any
    unread: int


def my_conversations(*, actor: Actor | User, page: int = 1) -> Page[Any]:
    """The actor's direct conversations, the latest first (paginated, three queries)."""
    actor = as_actor(actor)
    read = ReadState.objects.filter(user_id=actor.member_id, room_id=OuterRef("room_id"))
    qs = (
        Topic.objects.filter(
            room__kind=RoomKind.DIRECT, room__room_members__user_id=actor.member_id, room__is_archived=False
        )
        .annotate(
            head=F("room__last_seq"),
            read_seq=Coalesce(read.values("last_read_seq")[:1], F("room__last_seq")),
        )
        .order_by(F("last_message_at").desc(nulls_last=True), "-pk")
        .values_list("room_id", "pk", "last_message_at", "head", "read_seq")
    )
    result: Page[Any] = Paginator(qs, 30).get_page(page)
    rows = list(result.object_list)
    names = participant_names([r[0] for r in rows], viewer_id=actor.member_id)
    result.object_list = [
        ConversationRow(
            room_id=room_id,
            topic_id=topic_id,
            title=conversation_title(names[room_id]),
            last_message_at=last,
            unread=max(0, int(head) - int(read_seq)),
        )
        for room_id, topic_id, last, head, read_seq in rows
    ]
    return result


def direct_topic(*, room: Room) -> Topic | None:
    return Topic.objects.filter(room=room).order_by("pk").first()


COMMON_SHOWN = 5  # communities in common listed on a member card


@dataclass
class MemberCard:
    user_id: int
    name: str
    avatar: Any
    organisation: str
    sectors: list[str]
    work_situation: str
    career_stage: str
    common: list[Community] = field(default_factory=list)
    common_more: int = 0  # shared communities beyond the ones listed
    is_self: bool = False
    can_message: bool = False
    message_refusal: str | None = None
    blocked: bool = False


def member_card(*, actor: Actor | User, user_id: int) -> MemberCard | None:
    """What the member card shows the actor about a member: bounded queries (about six)."""
    actor = as_actor(actor)
    profile = (
        Profile.objects.select_related("organisation", "user").filter(user_id=user_id, user__is_active=True).first()
    )
    if profile is None:
        return None
    mine = Membership.objects.filter(user_id=actor.member_id, state=MembershipState.ACTIVE).values("community_id")
    shared = Community.objects.filter(
        is_system=False,
        memberships__user_id=user_id,
        memberships__state=MembershipState.ACTIVE,
        pk__in=mine,
    )
    # A card is a glance: a few names, then how many more (counted only when there are more).
    common = list(shared.order_by("name")[: COMMON_SHOWN + 1])
    common_more = shared.count() - COMMON_SHOWN if len(common) > COMMON_SHOWN else 0
    common = common[:COMMON_SHOWN]
    is_self = user_id == actor.member_id
    refusal = None if is_self else permissions.message_refusal(actor, [user_id])
    return MemberCard(
        user_id=user_id,
        name=profile.display_name or profile.user.display_name,
        avatar=profile.avatar,
        organisation=profile.organisation.name if profile.organisation else "",
        sectors=list(profile.sectors.order_by("name").values_list("name", flat=True)),
        work_situation=profile.get_work_situation_display() if profile.work_situation else "",
        career_stage=profile.get_career_stage_display() if profile.career_stage else "",
        common=common,
        common_more=common_more,
        is_self=is_self,
        can_message=not is_self and refusal is None,
        message_refusal=None if refusal is None else permissions.refusal_message(refusal),
        blocked=not is_self and Block.objects.filter(blocker_id=actor.member_id, blocked_id=user_id).exists(),
    )


def message_setting(*, user: User) -> str:
    found = DirectMessageSetting.objects.filter(user=user).values_list("who_may_message", flat=True).first()
    return found or WhoMayMessage.COMMUNITIES


def blocked_members(*, user: User) -> list[tuple[int, str]]:
    rows = (
        Block.objects.filter(blocker=user)
        .order_by("blocked__profile__display_name", "blocked_id")
        .values_list(
            "blocked_id",
            "blocked__profile__display_name",
            "blocked__first_name",
            "blocked__last_name",
            "blocked__email",
        )[:200]
    )
    return [(pk, display_name_of(p, f, last, e)) for pk, p, f, last, e in rows]


def community_members(
    *, community: Community, q: str = "", sector: str = "", work_situation: str = "", page: int = 1
) -> Page[Membership]:
    """The community's active members by name, searchable by name or organisation, filtered by
    sector and work situation: paginated (50), two queries."""
    qs: QuerySet[Membership] = Membership.objects.filter(community=community, state=MembershipState.ACTIVE)
    q = q.strip()
    if q:
        qs = qs.filter(Q(user__profile__display_name__icontains=q) | Q(user__profile__organisation__name__icontains=q))
    if sector:
        qs = qs.filter(user__profile__sectors__slug=sector)
    if work_situation:
        qs = qs.filter(user__profile__work_situation=work_situation)
    qs = qs.select_related("user__profile__organisation").order_by("user__profile__display_name", "pk").distinct()
    return Paginator(qs, 50).get_page(page)


@dataclass(frozen=True, slots=True)
class ReportedConversation:
    room_id: int
    reports: list[Flag]
    messages: list[Message]


def reported_conversations(*, actor: Actor | User, page: int = 1) -> Page[Any]:
    """For platform moderators: the direct conversations with open reports, each with its reports
    and the reported messages with up to five before each (bounded: three queries per page)."""
    actor = as_actor(actor)
    if not actor.is_platform_admin:
        return Paginator(Room.objects.none(), 20).get_page(1)
    rooms = (
        Room.objects.filter(kind=RoomKind.DIRECT, messages__flags__state=FlagState.OPEN)
        .distinct()
        .order_by("-pk")
        .values_list("pk", flat=True)
    )
    result: Page[Any] = Paginator(rooms, 20).get_page(page)
    room_ids = list(result.object_list)
    flags = list(
        Flag.objects.filter(message__room_id__in=room_ids, state=FlagState.OPEN)
        .select_related("reporter__profile", "message")
        .order_by("created_at")
    )
    wanted = Q(pk__in=[])
    for flag in flags:
        m = flag.message
        wanted |= Q(room_id=m.room_id, seq__gt=m.seq - 6, seq__lte=m.seq)
    messages = list(Message.objects.filter(wanted).select_related("author__profile").order_by("room_id", "seq"))
    result.object_list = [
        ReportedConversation(
            room_id=rid,
            reports=[f for f in flags if f.message.room_id == rid],
            messages=[m for m in messages if m.room_id == rid],
        )
        for rid in room_ids
    ]
    return result
