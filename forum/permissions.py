"""Who may do what in the forum: plain functions, one place, tested as a matrix.

Reading: open and on-request communities show their page to everyone; their rooms are
readable by logged-in people who are not banned (so they can look before joining),
invite-only communities only by their active members. Restricted rooms (mentoring pairs,
closed working groups) only by their listed members, platform admins included: a pair's
room is private even from admins. Writing always needs an active, unmuted membership.

The memberships a check reads are loaded into the actor (``actor.memberships``) once per
community and request or frame; the actor is new for each, so a change is seen by the next.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TypeAlias

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actor import Actor, Member, as_actor
from forum import _sql as sql
from forum.models import (
    Block,
    Community,
    DirectMessageSetting,
    Membership,
    MembershipState,
    Message,
    Role,
    Room,
    RoomKind,
    Topic,
    Visibility,
    WhoMayMessage,
)

# Every check takes the actor of the request or frame; a bare user (a test, another app) is
# turned into a one-call actor. Pass the actor to make one membership lookup per community
# serve the whole request.
Who: TypeAlias = Actor | Member | None


def is_platform_admin(actor: Who) -> bool:
    return as_actor(actor).is_platform_admin


def membership_of(actor: Who, community: Community) -> Membership | None:
    """The actor's membership of ``community`` (None: none), looked up once per actor."""
    actor = as_actor(actor)
    if not actor.is_authenticated:
        return None
    if community.pk not in actor.memberships:
        actor.memberships[community.pk] = Membership.objects.filter(
            community=community, user_id=actor.member_id
        ).first()
    found: Membership | None = actor.memberships[community.pk]
    return found


def load_memberships(actors: list[Actor], community_ids: set[int]) -> None:
    """Load the memberships of several actors in several communities in one query (a posting batch).

    Plain SQL (see ``forum._sql``): it runs for every post, and a post often comes alone.
    """
    ids = {a.pk for a in actors if a.pk is not None}
    if not ids or not community_ids:
        return
    found = sql.select(
        Membership,
        f"{sql.column(Membership, 'community')} IN ({sql.placeholders(community_ids)})"
        f" AND {sql.column(Membership, 'user')} IN ({sql.placeholders(ids)})",
        [*community_ids, *ids],
    )
    fill_memberships(actors, community_ids, found)


def fill_memberships(actors: list[Actor], community_ids: set[int], found: list[Membership]) -> None:
    """Record on each actor its membership (or None) of each community, from memberships loaded together."""
    by_pair = {(m.user_id, m.community_id): m for m in found}
    for actor in actors:
        if actor.pk is not None:
            for cid in community_ids:
                actor.memberships[cid] = by_pair.get((actor.pk, cid))


def is_active_member(actor: Who, community: Community) -> bool:
    membership = membership_of(actor, community)
    return membership is not None and membership.state == MembershipState.ACTIVE


def is_banned(actor: Who, community: Community) -> bool:
    membership = membership_of(actor, community)
    return membership is not None and membership.state == MembershipState.BANNED


def can_view_community(actor: Who, community: Community) -> bool:
    if community.is_system:
        return False
    actor = as_actor(actor)
    if is_banned(actor, community):
        return False
    if community.visibility != Visibility.INVITE_ONLY:
        return True
    if actor.is_platform_admin:
        return True
    membership = membership_of(actor, community)
    return membership is not None and membership.state in {MembershipState.ACTIVE, MembershipState.INVITED}


def can_moderate_community(actor: Who, community: Community) -> bool:
    actor = as_actor(actor)
    if actor.is_platform_admin and not community.is_system:
        return True
    membership = membership_of(actor, community)
    return (
        membership is not None
        and membership.state == MembershipState.ACTIVE
        and membership.role in {Role.FACILITATOR, Role.OWNER}
    )


def can_manage_roles(actor: Who, community: Community) -> bool:
    actor = as_actor(actor)
    if actor.is_platform_admin and not community.is_system:
        return True
    membership = membership_of(actor, community)
    return membership is not None and membership.state == MembershipState.ACTIVE and membership.role == Role.OWNER


def can_join(actor: Who, community: Community) -> bool:
    actor = as_actor(actor)
    if not actor.is_authenticated or community.is_system:
        return False
    membership = membership_of(actor, community)
    if membership is not None and membership.state in {
        MembershipState.ACTIVE,
        MembershipState.BANNED,
        MembershipState.REQUESTED,
    }:
        return False
    if community.visibility == Visibility.INVITE_ONLY:
        return membership is not None and membership.state == MembershipState.INVITED
    return True


def _is_listed(actor: Actor, room: Room) -> bool:
    return room.room_members.filter(user_id=actor.member_id).exists()


def can_read_room(actor: Who, room: Room) -> bool:
    actor = as_actor(actor)
    if not actor.is_authenticated:
        return False
    community = room.community
    if room.is_restricted:
        return _is_listed(actor, room) and not is_banned(actor, community)
    if is_banned(actor, community):
        return False
    if is_active_member(actor, community) or actor.is_platform_admin:
        return True
    return community.visibility == Visibility.OPEN and not community.is_system


def can_post_in_room(actor: Who, room: Room) -> bool:
    actor = as_actor(actor)
    if not actor.is_authenticated or room.is_archived:
        return False
    if room.is_restricted:
        if not _is_listed(actor, room):
            return False
        if room.kind == RoomKind.DIRECT:
            return direct_refusal(actor, room) is None
        if room.community.is_system:
            return True
    membership = membership_of(actor, room.community)
    if membership is None or membership.state != MembershipState.ACTIVE:
        return False
    return not (membership.muted_until and membership.muted_until > timezone.now())


def can_create_room(actor: Who, community: Community) -> bool:
    return can_moderate_community(actor, community)


def can_edit_message(actor: Who, message: Message) -> bool:
    actor = as_actor(actor)
    return (
        actor.is_authenticated
        and message.author_id == actor.pk
        and message.deleted_at is None
        and can_post_in_room(actor, message.room)
    )


def can_delete_message(actor: Who, message: Message) -> bool:
    actor = as_actor(actor)
    if not actor.is_authenticated or message.deleted_at is not None:
        return False
    if not can_read_room(actor, message.room):
        return False
    return message.author_id == actor.pk or can_moderate_community(actor, message.room.community)


def can_moderate_message(actor: Who, message: Message) -> bool:
    """Pin, hide, restore: a facilitator of the community who can read the room."""
    actor = as_actor(actor)
    return can_moderate_community(actor, message.room.community) and can_read_room(actor, message.room)


def can_manage_topic(actor: Who, topic: Topic) -> bool:
    """Rename, move, resolve: the topic's starter (while a member) or a facilitator who can read it."""
    actor = as_actor(actor)
    if can_moderate_community(actor, topic.room.community) and can_read_room(actor, topic.room):
        return True
    return actor.is_authenticated and topic.created_by_id == actor.pk and can_post_in_room(actor, topic.room)


def is_room_member(actor: Who, room: Room) -> bool:
    """A member of the room: listed in a restricted room, else an active member of its community.

    Readers of an open community who have not joined can read along but not see who is in it
    (the mention autocomplete asks this)."""
    actor = as_actor(actor)
    if not actor.is_authenticated or is_banned(actor, room.community):
        return False
    if room.is_restricted:
        return _is_listed(actor, room)
    return is_active_member(actor, room.community) or actor.is_platform_admin


# --- direct conversations ----------------------------------------------------------------------
#
# Each member says who may message them (``DirectMessageSetting``: everyone on Kring, people in
# their communities — the default —, nobody) and may block members. The rule is checked when a
# conversation starts and again at every post, whatever the transport: a member may write to the
# others of a conversation when none of them blocked the writer and each one's setting lets the
# writer in. Whoever started a conversation accepts answers in it, whatever their setting.

# The codes of ``direct_refusal``.
BLOCKED, NOT_ACCEPTED, NO_SHARED_COMMUNITY = "blocked", "messages_not_accepted", "no_shared_community"


def shares_community(member_id: int, other_ids: Collection[int]) -> set[int]:
    """Those of ``other_ids`` who are active members of a (non-system) community with ``member_id``: one query."""
    if not other_ids:
        return set()
    mine = Membership.objects.filter(user_id=member_id, state=MembershipState.ACTIVE).values("community_id")
    return set(
        Membership.objects.filter(
            user_id__in=other_ids, state=MembershipState.ACTIVE, community__is_system=False, community_id__in=mine
        ).values_list("user_id", flat=True)
    )


def message_refusal(actor: Who, recipient_ids: Collection[int], *, starter_id: int | None = None) -> str | None:
    """Why ``actor`` may not send a direct message to these members (a code above), or None."""
    actor = as_actor(actor)
    if not actor.is_authenticated:
        return NOT_ACCEPTED
    others = {r for r in recipient_ids if r != actor.member_id}
    if not others:
        return None
    if Block.objects.filter(blocker_id__in=others, blocked_id=actor.member_id).exists():
        return BLOCKED
    chosen = dict(DirectMessageSetting.objects.filter(user_id__in=others).values_list("user_id", "who_may_message"))
    need_community = set()
    for other in others:
        if other == starter_id:
            continue
        policy = chosen.get(other, WhoMayMessage.COMMUNITIES)
        if policy == WhoMayMessage.NOBODY:
            return NOT_ACCEPTED
        if policy == WhoMayMessage.COMMUNITIES:
            need_community.add(other)
    if need_community and shares_community(actor.member_id, need_community) != need_community:
        return NO_SHARED_COMMUNITY
    return None


def direct_participants(room: Room) -> list[int]:
    return list(room.room_members.values_list("user_id", flat=True))


def direct_refusal(actor: Who, room: Room) -> str | None:
    """Why ``actor`` may not post in the direct conversation ``room`` now, or None (listing is checked apart)."""
    starter = Topic.objects.filter(room=room).values_list("created_by_id", flat=True).first()
    return message_refusal(actor, direct_participants(room), starter_id=starter)


def refusal_message(code: str) -> str:
    """The sentence for a ``direct_refusal`` code."""
    return {
        BLOCKED: _("You cannot send messages to this member."),
        NOT_ACCEPTED: _("Not everyone in this conversation accepts messages from you."),
        NO_SHARED_COMMUNITY: _("Only people who share a community with this member can send them a message."),
    }.get(code, _("You cannot write here."))
