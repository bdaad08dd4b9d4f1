"""Moderation: bans, mutes, flags, hiding and pinning messages."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actor import Actor, as_actor
from accounts.models import User
from core.text import check_text
from forum import events, permissions
from forum.errors import Forbidden, Invalid, NotFound
from forum.models import (
    Community,
    Flag,
    FlagState,
    Membership,
    MembershipState,
    Message,
    Role,
)
from forum.services._common import _audit, _owners, _refresh_member_count, announce_message_changed


@transaction.atomic
def ban_member(*, actor: Actor | User, community: Community, user: User, reason: str = "") -> Membership:
    actor = as_actor(actor)
    if not permissions.can_moderate_community(actor, community) or user.pk == actor.pk:
        raise Forbidden(_("You cannot ban this member."))
    check_text(reason, field="reason")
    membership, _created = Membership.objects.get_or_create(
        community=community, user=user, defaults={"state": MembershipState.BANNED}
    )
    if membership.role == Role.OWNER and not permissions.can_manage_roles(actor, community):
        raise Forbidden(_("Only owners can ban an owner."))
    if membership.role == Role.OWNER and _owners(community) <= 1:
        raise Invalid(_("A community always keeps at least one owner."))
    membership.state = MembershipState.BANNED
    membership.role = Role.MEMBER
    membership.save(update_fields=["state", "role", "updated_at"])
    _refresh_member_count(community)
    _audit(community, actor, "ban", user.display_name, reason)
    events.announce_user(user.pk, "access_changed", {"community": community.pk})
    return membership


@transaction.atomic
def mute_member(*, actor: Actor | User, community: Community, user: User, minutes: int, reason: str = "") -> Membership:
    actor = as_actor(actor)
    if not permissions.can_moderate_community(actor, community) or user.pk == actor.pk:
        raise Forbidden(_("You cannot mute this member."))
    check_text(reason, field="reason")
    if not 1 <= minutes <= 60 * 24 * 90:
        raise Invalid(_("Mute for between one minute and ninety days."), field="minutes")
    membership = Membership.objects.filter(community=community, user=user, state=MembershipState.ACTIVE).first()
    if membership is None:
        raise NotFound(_("This person is not a member."))
    membership.muted_until = timezone.now() + timedelta(minutes=minutes)
    membership.save(update_fields=["muted_until", "updated_at"])
    _audit(community, actor, "mute", user.display_name, f"{minutes} min. {reason}")
    return membership


@transaction.atomic
def pin_message(*, actor: Actor | User, message: Message, pinned: bool) -> Message:
    actor = as_actor(actor)
    if not permissions.can_moderate_message(actor, message):
        raise Forbidden(_("Only facilitators can pin messages."))
    message.is_pinned = pinned
    message.save(update_fields=["is_pinned"])
    _audit(message.room.community, actor, "pin" if pinned else "unpin", f"#{message.seq} in {message.room.name}")
    announce_message_changed(message)
    return message


@transaction.atomic
def flag_message(*, actor: Actor | User, message: Message, reason: str) -> Flag:
    actor = as_actor(actor)
    if not permissions.can_read_room(actor, message.room):
        raise Forbidden(_("You cannot flag this message."))
    reason = check_text(reason, field="reason").strip()
    if not reason:
        raise Invalid(_("Say why this message should be looked at."), field="reason")
    flag, created = Flag.objects.get_or_create(
        message=message, reporter=actor.member, defaults={"reason": reason[:500]}
    )
    if not created and flag.state == FlagState.RESOLVED:
        flag.state = FlagState.OPEN
        flag.reason = reason[:500]
        flag.save(update_fields=["state", "reason"])
    return flag


@transaction.atomic
def hide_message(*, actor: Actor | User, message: Message, hidden: bool, reason: str = "") -> Message:
    actor = as_actor(actor)
    community = message.room.community
    if not permissions.can_moderate_message(actor, message):
        raise Forbidden(_("Only facilitators can hide messages."))
    check_text(reason, field="reason")
    message.is_hidden = hidden
    message.save(update_fields=["is_hidden"])
    Flag.objects.filter(message=message, state=FlagState.OPEN).update(state=FlagState.RESOLVED)
    _audit(community, actor, "hide" if hidden else "restore", f"#{message.seq} in {message.room.name}", reason)
    announce_message_changed(message)
    return message


@transaction.atomic
def dismiss_flags(*, actor: Actor | User, message: Message) -> int:
    actor = as_actor(actor)
    community = message.room.community
    if not permissions.can_moderate_message(actor, message):
        raise Forbidden(_("Only facilitators can handle flags."))
    count = Flag.objects.filter(message=message, state=FlagState.OPEN).update(state=FlagState.RESOLVED)
    _audit(community, actor, "dismiss_flags", f"#{message.seq} in {message.room.name}")
    return count
