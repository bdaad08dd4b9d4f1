"""Why a member cannot write in a room: the sentence the room and topic pages show instead of the composer.

It follows ``permissions.can_post_in_room`` rule by rule, so the page says the reason that
applies ("Je bent gedempt in deze gemeenschap tot …", "Deze ruimte is gearchiveerd …")
instead of one sentence for every case.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.actor import as_actor
from forum import permissions
from forum.models import MembershipState, Room, RoomKind
from forum.permissions import Who

# A mute this far ahead reads as one without an end.
FOREVER = timedelta(days=3650)


def _until(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "j F Y H:i")


def post_blocked_reason(actor: Who, room: Room) -> str | None:
    """None when the actor may post in ``room``; otherwise why not, as a translated sentence."""
    actor = as_actor(actor)
    if not actor.is_authenticated:
        return _("Log in to take part.")
    if room.is_archived:
        return _("This room is archived: you can read it, but no one can write in it.")
    community = room.community
    membership = permissions.membership_of(actor, community)
    if membership is not None and membership.state == MembershipState.BANNED:
        return _("You are banned from this community and cannot write in it.")
    if permissions.can_post_in_room(actor, room):
        return None
    if room.is_restricted and not room.room_members.filter(user_id=actor.member_id).exists():
        return _("Only the members of this room can write in it.")
    if room.kind == RoomKind.DIRECT:
        return permissions.refusal_message(permissions.direct_refusal(actor, room) or "")
    if membership is None or membership.state != MembershipState.ACTIVE:
        if membership is not None and membership.state == MembershipState.REQUESTED:
            return _("Your request to join is waiting for a facilitator. Once admitted, you can take part.")
        return _("Join the community to take part.")
    until = membership.muted_until
    if until is not None and until > timezone.now():
        if until - timezone.now() > FOREVER:
            return _("You are muted in this community.")
        return _("You are muted in this community until %(until)s.") % {"until": _until(until)}
    return _("You cannot write here.")
