"""The forum's privacy hook: its part of a member's export, and what it does when a member goes.

Registered in ``ForumConfig.ready()``; ``accounts.privacy`` calls it (see that module and
``docs/privacy.md``). Messages stay when their author deletes the account: ``Message.author``
is ``SET_NULL`` and the message shows "former member".
"""

from __future__ import annotations

from typing import Any

from accounts.models import User
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
    return {
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
