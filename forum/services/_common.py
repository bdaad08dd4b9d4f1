"""Helpers the forum's action families share: the audit trail, one notification, member counts, slugs."""

from __future__ import annotations

import functools
import importlib
from typing import Any

from django.utils.text import slugify

from accounts.actor import Actor
from accounts.models import User
from forum import events
from forum.models import (
    AuditEntry,
    Community,
    Membership,
    MembershipState,
    Message,
    Reaction,
    ReadState,
    Role,
    Topic,
)
from forum.selectors.topics import load_messages
from forum.serializers import group_reactions, view_frame
from notifications.services import notify

SYSTEM_MENTORING_SLUG = "mentorkoppels"


KNOWLEDGE_COMMUNITY_SLUG = "kennisbank"

# The hidden system community whose restricted rooms are the direct conversations.
DIRECT_COMMUNITY_SLUG = "direct-berichten"


def _audit(community: Community, actor: Actor, action: str, target: str, detail: str = "") -> None:
    AuditEntry.objects.create(
        community=community,
        actor=actor.member if actor.is_authenticated else None,
        action=action,
        target=target[:200],
        detail=detail[:500],
    )


def _notify(
    user_id: int,
    kind: str,
    text: str,
    url: str,
    message: Message | None = None,
    *,
    actor: User | None = None,
    community_id: int | None = None,
    params: dict[str, Any] | None = None,
) -> None:
    """One notification through the notifications app (preferences, mail, the live badge)."""
    notify(
        recipients=[user_id],
        kind=kind,
        text=text,
        url=url,
        actor=actor,
        community_id=community_id,
        room_id=message.room_id if message is not None else None,
        topic_id=message.topic_id if message is not None else None,
        message_id=message.pk if message is not None else None,
        seq=message.seq if message is not None else None,
        params=params,
    )


def _refresh_member_count(community: Community) -> None:
    count = Membership.objects.filter(community=community, state=MembershipState.ACTIVE).count()
    Community.objects.filter(pk=community.pk).update(member_count=count)
    community.member_count = count


# The URL confs that put a community's slug beside fixed pages: the forum's own, and those of
# higher apps that register here (``monitor/landelijk/`` beside ``monitor/<slug>/``).
_SLUG_SPACES: list[str] = ["forum.urls"]


def share_slug_space(urlconf: str) -> None:
    """A higher app's URL conf (a module name) puts community slugs beside fixed pages: no
    community may take one of those words. Called from the app's ``ready()``; read lazily."""
    if urlconf not in _SLUG_SPACES:
        _SLUG_SPACES.append(urlconf)
        reserved_slugs.cache_clear()


@functools.cache
def reserved_slugs() -> frozenset[str]:
    """Community slugs that would shadow a fixed page beside the community pages (``nieuw/``,
    ``zoeken/`` …, monitoring's ``landelijk/``), read from the URL confs so a new page cannot be missed."""
    fixed = set()
    for urlconf in _SLUG_SPACES:
        # Imported here: the URL confs import the views, which import these services.
        for pattern in importlib.import_module(urlconf).urlpatterns:
            first = str(pattern.pattern).split("/", 1)[0]
            if first and "<" not in first:
                fixed.add(first)
    return frozenset(fixed)


def _unique_slug(model: Any, base: str, **scope: Any) -> str:
    slug = slugify(base)[:70] or "kring"
    if model is Community and slug in reserved_slugs():
        slug = f"{slug}-kring"
    candidate, n = slug, 2
    while model.objects.filter(slug=candidate, **scope).exists():
        candidate, n = f"{slug}-{n}", n + 1
    return candidate


def _owners(community: Community) -> int:
    return Membership.objects.filter(community=community, role=Role.OWNER, state=MembershipState.ACTIVE).count()


def _catch_up_read_state(user: User, community: Community) -> None:
    """A new member starts with nothing unread rather than the whole history."""
    for room in community.rooms.all():
        ReadState.objects.update_or_create(user=user, room=room, defaults={"last_read_seq": room.last_seq})


def _reactions_of(message: Message) -> dict[str, list[int]]:
    return group_reactions(Reaction.objects.filter(message=message).values_list("emoji", "user_id"))


def announce_message_changed(message: Message) -> None:
    """After commit, a ``message_edited`` frame with the message's article rendered again (edit, pin, hide)."""
    accepted = Topic.objects.filter(pk=message.topic_id).values_list("accepted_answer_id", flat=True).first()
    page = load_messages(Message.objects.filter(pk=message.pk), accepted_id=accepted)
    if page.messages:
        events.announce_room(message.room_id, view_frame(page.messages[0], names=page.names, kind="message_edited"))
