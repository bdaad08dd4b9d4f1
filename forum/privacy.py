"""The forum's privacy hook: its part of a member's export, and what it does when a member goes.

Registered in ``ForumConfig.ready()``; ``accounts.privacy`` calls it (see that module and
``docs/privacy.md``). Messages stay when their author deletes the account: ``Message.author``
is ``SET_NULL`` and the message shows "former member".
"""

from __future__ import annotations

from typing import Any

from accounts.models import User, display_name_of
from accounts.privacy import ACTOR, EXPORTED, record, records
from forum import events
from forum import models as fm

RELATIONS: dict[str, str] = {
    "forum.Community.created_by": EXPORTED,
    "forum.Membership.user": EXPORTED,
    "forum.Invitation.invited_by": EXPORTED,
    "forum.Room.members": EXPORTED,
    "forum.RoomMember.user": EXPORTED,
    "forum.Topic.created_by": EXPORTED,
    "forum.Message.author": EXPORTED,
    "forum.Message.deleted_by": ACTOR,
    "forum.Reaction.user": EXPORTED,
    "forum.ReadState.user": EXPORTED,
    "forum.TopicReadState.user": EXPORTED,
    "forum.Flag.reporter": EXPORTED,
    "forum.AuditEntry.actor": ACTOR,
    "forum.DirectMessageSetting.user": EXPORTED,
    "forum.Block.blocker": EXPORTED,
    # Who blocked the member is the blocker's data, not theirs; the row goes with either account.
    "forum.Block.blocked": "not exported: another member's choice; deleted with the account",
}


def export(user: User) -> dict[str, Any]:
    """Every message with its earlier versions, reactions, memberships, read positions."""
    messages = fm.Message.objects.filter(author=user).select_related("room__community", "topic").order_by("pk")
    message_records = []
    for message in messages:
        data = record(message, skip={"search_text"})
        data["community"] = message.room.community.name
        data["room"] = message.room.name
        data["topic"] = message.topic.title
        data["revisions"] = records(message.revisions.order_by("pk"))
        message_records.append(data)
    direct = list(
        fm.RoomMember.objects.filter(user=user, room__kind=fm.RoomKind.DIRECT)
        .order_by("room_id")
        .values_list("room_id", flat=True)
    )
    others: dict[int, list[str]] = {room_id: [] for room_id in direct}
    for room_id, name, first, last, email in (
        fm.RoomMember.objects.filter(room_id__in=direct)
        .exclude(user=user)
        .order_by("room_id", "user_id")
        .values_list("room_id", "user__profile__display_name", "user__first_name", "user__last_name", "user__email")
    ):
        others[room_id].append(display_name_of(name, first, last, email))
    setting = fm.DirectMessageSetting.objects.filter(user=user).first()
    return {
        "direct_conversations": [
            {
                "room": room_id,
                "with": others[room_id],
                "my_messages": [m["id"] for m in message_records if m.get("room_id") == room_id],
            }
            for room_id in direct
        ],
        "direct_message_setting": setting.who_may_message if setting else fm.WhoMayMessage.COMMUNITIES.value,
        "blocked_members": [
            {"user": b.blocked_id, "created_at": b.created_at.isoformat()}
            for b in fm.Block.objects.filter(blocker=user).order_by("pk")
        ],
        "messages": message_records,
        "flags_reported": records(fm.Flag.objects.filter(reporter=user).order_by("pk")),
        "reactions": records(fm.Reaction.objects.filter(user=user).order_by("pk")),
        "memberships": [
            {**record(m), "community": m.community.name}
            for m in fm.Membership.objects.filter(user=user).select_related("community").order_by("pk")
        ],
        "room_memberships": records(fm.RoomMember.objects.filter(user=user).order_by("pk")),
        "invitations_sent": records(fm.Invitation.objects.filter(invited_by=user).order_by("pk")),
        "communities_created": [c.name for c in fm.Community.objects.filter(created_by=user).order_by("pk")],
        "topics_created": [t.title for t in fm.Topic.objects.filter(created_by=user).order_by("pk")],
        "read_positions": records(fm.ReadState.objects.filter(user=user).order_by("pk"))
        + records(fm.TopicReadState.objects.filter(user=user).order_by("pk")),
    }


def forget(user: User) -> None:
    """Close every socket of the member once the deletion has committed (code 4403)."""
    events.announce_user(user.pk, "logout")
