"""Who may do what with meetings: plain functions of the explicit actor, on the forum's rules.

- See a community's meetings: whoever may read its rooms (``forum.permissions``): active members
  and platform admins; logged-in visitors of an open community too; never a non-member of an
  invite-only or on-request community's closed rooms, never a banned member.
- Answer (RSVP) and add agenda items: the community's active members.
- Create, edit, cancel, split into tables, record attendance, write minutes: the community's
  facilitators and owner (and platform admins), as ``forum.permissions.can_moderate_community``.
"""

from __future__ import annotations

from accounts.actor import Actor, as_actor
from forum import permissions as forum_permissions
from forum.models import Community, Message, Visibility
from meetings.models import Meeting


def can_see_meetings(actor: Actor, community: Community) -> bool:
    actor = as_actor(actor)
    if community.is_system or not actor.is_authenticated:
        return False
    if forum_permissions.is_banned(actor, community):
        return False
    if forum_permissions.is_active_member(actor, community) or actor.is_platform_admin:
        return True
    return community.visibility == Visibility.OPEN


def can_see(actor: Actor, meeting: Meeting) -> bool:
    return can_see_meetings(actor, meeting.community)


def can_take_part(actor: Actor, community: Community) -> bool:
    """RSVP and add to the agenda: an active member (platform admins are not members)."""
    return not community.is_system and forum_permissions.is_active_member(actor, community)


def can_manage(actor: Actor, community: Community) -> bool:
    return not community.is_system and forum_permissions.can_moderate_community(actor, community)


def can_put_message_on_agenda(actor: Actor, meeting: Meeting, message: Message) -> bool:
    """A message the actor can read, from an open (not restricted) room of the meeting's own
    community: every member who sees the agenda could read it there, so nothing leaks."""
    room = message.room
    return (
        room.community_id == meeting.community_id
        and not room.is_restricted
        and message.deleted_at is None
        and not message.is_hidden
        and forum_permissions.can_read_room(actor, room)
    )
