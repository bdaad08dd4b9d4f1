"""Who may do what in the forum: plain functions, one place, tested as a matrix.

Reading: open and on-request communities show their page to everyone; their rooms are
readable by logged-in people who are not banned (so they can look before joining),
invite-only communities only by their active members. Restricted rooms (mentoring pairs,
closed working groups) only by their listed members, platform admins included: a pair's
room is private even from admins. Writing always needs an active, unmuted membership.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from forum.models import Community, Membership, MembershipState, Role, Room, Visibility


def is_platform_admin(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_superuser)


def membership_of(user: Any, community: Community) -> Membership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    cache: dict[int, Membership | None] = user.__dict__.setdefault("_kring_memberships", {})
    if community.pk not in cache:
        cache[community.pk] = Membership.objects.filter(community=community, user=user).first()
    return cache[community.pk]


def forget_memberships(user: Any) -> None:
    """Drop the per-request cache after a membership changes."""
    if hasattr(user, "__dict__"):
        user.__dict__.pop("_kring_memberships", None)


def is_active_member(user: Any, community: Community) -> bool:
    membership = membership_of(user, community)
    return membership is not None and membership.state == MembershipState.ACTIVE


def is_banned(user: Any, community: Community) -> bool:
    membership = membership_of(user, community)
    return membership is not None and membership.state == MembershipState.BANNED


def can_view_community(user: Any, community: Community) -> bool:
    if community.is_system:
        return False
    if is_banned(user, community):
        return False
    if community.visibility != Visibility.INVITE_ONLY:
        return True
    if is_platform_admin(user):
        return True
    membership = membership_of(user, community)
    return membership is not None and membership.state in {MembershipState.ACTIVE, MembershipState.INVITED}


def can_moderate_community(user: Any, community: Community) -> bool:
    if is_platform_admin(user) and not community.is_system:
        return True
    membership = membership_of(user, community)
    return (
        membership is not None
        and membership.state == MembershipState.ACTIVE
        and membership.role in {Role.FACILITATOR, Role.OWNER}
    )


def can_manage_roles(user: Any, community: Community) -> bool:
    if is_platform_admin(user) and not community.is_system:
        return True
    membership = membership_of(user, community)
    return membership is not None and membership.state == MembershipState.ACTIVE and membership.role == Role.OWNER


def can_join(user: Any, community: Community) -> bool:
    if not getattr(user, "is_authenticated", False) or community.is_system:
        return False
    membership = membership_of(user, community)
    if membership is not None and membership.state in {
        MembershipState.ACTIVE,
        MembershipState.BANNED,
        MembershipState.REQUESTED,
    }:
        return False
    if community.visibility == Visibility.INVITE_ONLY:
        return membership is not None and membership.state == MembershipState.INVITED
    return True


def _is_listed(user: Any, room: Room) -> bool:
    return room.room_members.filter(user_id=user.pk).exists()


def can_read_room(user: Any, room: Room) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    community = room.community
    if room.is_restricted:
        return _is_listed(user, room) and not is_banned(user, community)
    if is_banned(user, community):
        return False
    if is_active_member(user, community) or is_platform_admin(user):
        return True
    return community.visibility == Visibility.OPEN and not community.is_system


def can_post_in_room(user: Any, room: Room) -> bool:
    if not getattr(user, "is_authenticated", False) or room.is_archived:
        return False
    if room.is_restricted:
        if not _is_listed(user, room):
            return False
        if room.community.is_system:
            return True
    membership = membership_of(user, room.community)
    if membership is None or membership.state != MembershipState.ACTIVE:
        return False
    return not (membership.muted_until and membership.muted_until > timezone.now())


def can_create_room(user: Any, community: Community) -> bool:
    return can_moderate_community(user, community)


def can_edit_message(user: Any, message: Any) -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and message.author_id == user.pk
        and message.deleted_at is None
        and can_post_in_room(user, message.room)
    )


def can_delete_message(user: Any, message: Any) -> bool:
    if not getattr(user, "is_authenticated", False) or message.deleted_at is not None:
        return False
    if not can_read_room(user, message.room):
        return False
    return message.author_id == user.pk or can_moderate_community(user, message.room.community)


def can_moderate_message(user: Any, message: Any) -> bool:
    """Pin, hide, restore: a facilitator of the community who can read the room."""
    return can_moderate_community(user, message.room.community) and can_read_room(user, message.room)


def can_manage_topic(user: Any, topic: Any) -> bool:
    """Rename, move, resolve: the topic's starter (while a member) or a facilitator who can read it."""
    if can_moderate_community(user, topic.room.community) and can_read_room(user, topic.room):
        return True
    return topic.created_by_id == user.pk and can_post_in_room(user, topic.room)
