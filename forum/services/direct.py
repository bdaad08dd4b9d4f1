"""Direct conversations: one-to-one and small groups, on the forum's own rooms, topics and seqs.

A conversation is a restricted room (``Room.kind = "direct"``) of the hidden system community
``direct-berichten`` with exactly one topic; its messages go through ``post_messages`` like every
other post, over HTTP or the WebSocket. The rules of who may write to whom are
``forum.permissions.message_refusal`` (the member's setting and blocks), checked when a
conversation starts and at every post.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.actor import Actor, as_actor
from accounts.models import User
from core.text import check_text
from forum import permissions
from forum.errors import Conflict, Forbidden, Invalid, NotFound
from forum.models import (
    DIRECT_MAX_PARTICIPANTS,
    Block,
    DirectMessageSetting,
    Flag,
    FlagState,
    Message,
    ReadState,
    Room,
    RoomKind,
    RoomMember,
    Topic,
    Visibility,
    WhoMayMessage,
)
from forum.services._common import DIRECT_COMMUNITY_SLUG
from forum.services.rooms import system_community


def direct_key(member_ids: Sequence[int]) -> str:
    """The conversation's name for its set of participants: the sorted ids, "3-8-12"."""
    return "-".join(str(i) for i in sorted(set(member_ids)))


@transaction.atomic
def open_conversation(*, actor: Actor | User, others: Sequence[User | int]) -> Room:
    """The direct conversation of the actor with ``others`` (1 to 7 members): the existing one
    for the same set of people, else a new one, if each of them accepts messages from the actor."""
    actor = as_actor(actor)
    if not actor.is_authenticated:
        raise Forbidden(_("Log in to send a message."))
    ids = sorted({o.pk if isinstance(o, User) else int(o) for o in others} - {actor.member_id})
    if not ids:
        raise Invalid(_("Choose at least one other member."), field="members")
    if len(ids) + 1 > DIRECT_MAX_PARTICIPANTS:
        raise Invalid(
            _("A conversation has at most %(count)d people.") % {"count": DIRECT_MAX_PARTICIPANTS}, field="members"
        )
    found = list(User.objects.filter(pk__in=ids, is_active=True).values_list("pk", flat=True))
    if len(found) != len(ids):
        raise NotFound(_("This member does not exist."))
    key = direct_key([*ids, actor.member_id])
    existing = Room.objects.filter(kind=RoomKind.DIRECT, direct_key=key).first()
    if existing is not None:
        return existing
    refusal = permissions.message_refusal(actor, ids)
    if refusal is not None:
        raise Forbidden(permissions.refusal_message(refusal), code=refusal)
    community = system_community(DIRECT_COMMUNITY_SLUG, "Berichten", Visibility.INVITE_ONLY)
    try:
        with transaction.atomic():  # two members opening the same conversation at once: one room
            room = Room.objects.create(
                community=community,
                name=_("Conversation"),
                slug=f"gesprek-{uuid.uuid4().hex[:16]}",
                kind=RoomKind.DIRECT,
                direct_key=key,
                is_restricted=True,
            )
    except IntegrityError:
        return Room.objects.get(kind=RoomKind.DIRECT, direct_key=key)
    participants = [actor.member_id, *ids]
    RoomMember.objects.bulk_create([RoomMember(room=room, user_id=uid) for uid in participants])
    # A read marker from the start, so each new message counts as unread (a room without one has nothing unread).
    ReadState.objects.bulk_create([ReadState(room=room, user_id=uid, last_read_seq=0) for uid in participants])
    Topic.objects.create(room=room, title=_("Conversation"), created_by=actor.member)
    return room


@transaction.atomic
def set_message_setting(*, actor: Actor | User, who_may_message: str) -> DirectMessageSetting:
    actor = as_actor(actor)
    if not actor.is_authenticated:
        raise Forbidden(_("Log in to change your settings."))
    if who_may_message not in WhoMayMessage.values:
        raise Invalid(_("Choose one of the options."), field="who_may_message")
    setting, _created = DirectMessageSetting.objects.update_or_create(
        user_id=actor.member_id, defaults={"who_may_message": who_may_message}
    )
    return setting


@transaction.atomic
def block_member(*, actor: Actor | User, user: User) -> Block:
    """From now on ``user`` cannot start a conversation with the actor nor post in one they share."""
    actor = as_actor(actor)
    if not actor.is_authenticated:
        raise Forbidden(_("Log in to block a member."))
    if user.pk == actor.member_id:
        raise Invalid(_("You cannot block yourself."), field="user")
    block, _created = Block.objects.get_or_create(blocker_id=actor.member_id, blocked=user)
    return block


@transaction.atomic
def unblock_member(*, actor: Actor | User, user: User) -> None:
    actor = as_actor(actor)
    if not actor.is_authenticated:
        raise Forbidden(_("Log in to unblock a member."))
    Block.objects.filter(blocker_id=actor.member_id, blocked=user).delete()


@transaction.atomic
def report_conversation(*, actor: Actor | User, room: Room, reason: str) -> Flag:
    """Report a direct conversation to the platform's moderators: a flag (the forum's report) on
    the newest message someone else wrote in it, which the moderators' queue shows with what came before."""
    actor = as_actor(actor)
    if room.kind != RoomKind.DIRECT or not permissions.can_read_room(actor, room):
        raise NotFound(_("This conversation does not exist."))
    check_text(reason, field="reason", multiline=True)
    if not reason.strip():
        raise Invalid(_("Say why this conversation should be looked at."), field="reason")
    message = (
        Message.objects.filter(room=room, deleted_at__isnull=True)
        .exclude(author_id=actor.member_id)
        .order_by("-seq")
        .first()
    )
    if message is None:
        raise Conflict(_("There is nothing from someone else to report yet."), code="nothing_to_report")
    flag, created = Flag.objects.get_or_create(
        message=message, reporter_id=actor.member_id, defaults={"reason": reason.strip()[:500]}
    )
    if not created and flag.state != FlagState.OPEN:
        flag.state = FlagState.OPEN
        flag.reason = reason.strip()[:500]
        flag.save(update_fields=["state", "reason"])
    return flag


@transaction.atomic
def resolve_conversation_reports(*, actor: Actor | User, room: Room) -> int:
    """A platform moderator closes the open reports of a direct conversation."""
    actor = as_actor(actor)
    if not actor.is_platform_admin:
        raise Forbidden(_("Only platform moderators can do this."))
    if room.kind != RoomKind.DIRECT:
        raise NotFound(_("This conversation does not exist."))
    return Flag.objects.filter(message__room=room, state=FlagState.OPEN).update(state=FlagState.RESOLVED)


__all__ = [
    "block_member",
    "direct_key",
    "open_conversation",
    "report_conversation",
    "resolve_conversation_reports",
    "set_message_setting",
    "unblock_member",
]
