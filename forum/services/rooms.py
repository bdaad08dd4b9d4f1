"""Rooms, including the restricted rooms of mentoring pairs and the knowledge base's room."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.actor import Actor, as_actor
from accounts.models import User
from core.text import check_text
from forum import events, permissions
from forum.errors import Forbidden, Invalid
from forum.models import (
    Community,
    Room,
    RoomMember,
    Topic,
    Visibility,
)
from forum.services._common import (
    DIRECT_COMMUNITY_SLUG,
    KNOWLEDGE_COMMUNITY_SLUG,
    SYSTEM_MENTORING_SLUG,
    _audit,
    _unique_slug,
)


@transaction.atomic
def create_room(
    *,
    actor: Actor | User,
    community: Community,
    name: str,
    description: str = "",
    restricted: bool = False,
    members: Iterable[User] = (),
    slow_mode_seconds: int = 0,
) -> Room:
    actor = as_actor(actor)
    if not permissions.can_create_room(actor, community):
        raise Forbidden(_("Only facilitators can create rooms."))
    check_text(name, field="name")
    check_text(description, field="description")
    if not name.strip():
        raise Invalid(_("A room needs a name."), field="name")
    room = Room.objects.create(
        community=community,
        name=name.strip()[:80],
        slug=_unique_slug(Room, name, community=community),
        description=description.strip()[:300],
        is_restricted=restricted,
        slow_mode_seconds=max(0, slow_mode_seconds),
    )
    if restricted:
        listed = {actor.member_id, *(m.pk for m in members)}
        RoomMember.objects.bulk_create([RoomMember(room=room, user_id=uid) for uid in listed])
    _audit(community, actor, "create_room", room.name)
    return room


@transaction.atomic
def update_room(
    *, actor: Actor | User, room: Room, archived: bool | None = None, slow_mode_seconds: int | None = None
) -> Room:
    actor = as_actor(actor)
    if not permissions.can_moderate_community(actor, room.community):
        raise Forbidden(_("Only facilitators can change rooms."))
    if archived is not None:
        room.is_archived = archived
        _audit(room.community, actor, "archive" if archived else "unarchive", room.name)
    if slow_mode_seconds is not None:
        if not 0 <= slow_mode_seconds <= 3600:
            raise Invalid(_("Slow mode is between 0 and 3600 seconds."), field="slow_mode_seconds")
        room.slow_mode_seconds = slow_mode_seconds
        _audit(room.community, actor, "slow_mode", room.name, f"{slow_mode_seconds} s")
    room.save(update_fields=["is_archived", "slow_mode_seconds"])
    return room


def system_community(slug: str, name: str, visibility: str) -> Community:
    community, _created = Community.objects.get_or_create(
        slug=slug,
        defaults={
            "name": name,
            "kind": "other",
            "description": name,
            "waaromvraag": name,
            "visibility": visibility,
            "is_system": slug in {SYSTEM_MENTORING_SLUG, DIRECT_COMMUNITY_SLUG},
            "scope": "national",
        },
    )
    return community


@transaction.atomic
def create_pair_room(*, title: str, members: Sequence[User]) -> Room:
    """A restricted room for a mentoring pair, in the hidden system community."""
    community = system_community(SYSTEM_MENTORING_SLUG, "Mentorkoppels", Visibility.INVITE_ONLY)
    room = Room.objects.create(
        community=community,
        name=title.strip()[:80] or "Mentorkoppel",
        slug=_unique_slug(Room, title or "koppel", community=community),
        is_restricted=True,
    )
    RoomMember.objects.bulk_create([RoomMember(room=room, user=m) for m in members], ignore_conflicts=True)
    Topic.objects.create(room=room, title=_("Our conversation"))
    return room


@transaction.atomic
def archive_pair_room(*, room: Room) -> Room:
    """A mentoring pair closed: its room stays readable for the two but takes no new messages
    (``permissions.can_post_in_room`` refuses archived rooms on every transport)."""
    if room.community.slug != SYSTEM_MENTORING_SLUG:
        raise Invalid(_("Only a mentoring pair's room is archived this way."), code="not_pair_room")
    if not room.is_archived:
        room.is_archived = True
        room.save(update_fields=["is_archived"])
    return room


@transaction.atomic
def add_room_member(*, room: Room, user: User) -> None:
    RoomMember.objects.get_or_create(room=room, user=user)


@transaction.atomic
def remove_room_member(*, room: Room, user: User) -> None:
    RoomMember.objects.filter(room=room, user=user).delete()
    events.announce_user(user.pk, "access_changed", {"room": room.pk})


@transaction.atomic
def ensure_knowledge_room() -> Room:
    """The open room where lessons without an origin community are discussed."""
    community = system_community(KNOWLEDGE_COMMUNITY_SLUG, "Kennisbank", Visibility.OPEN)
    room, _created = Room.objects.get_or_create(community=community, slug="lessen", defaults={"name": "Lessen"})
    return room
