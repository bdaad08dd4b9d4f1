"""Every write in the forum. Keyword-only, typed, one transaction each, permission-checked.

Views (HTTP) and consumers (WebSocket) call these and nothing else writes forum models.
Live events are announced after commit (``forum.events``), never before.
"""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.images import NotAnImage, UnsupportedImage, decode_raster
from accounts.models import Organisation, Region, Sector, User
from core.text import check_text, text_problem
from forum import events, permissions
from forum.errors import Forbidden, ForumError, Invalid, NotFound, RateLimited
from forum.models import (
    REACTION_EMOJI,
    Attachment,
    AuditEntry,
    Community,
    Flag,
    FlagState,
    Invitation,
    LearningFunction,
    Membership,
    MembershipState,
    Message,
    MessageRevision,
    Notification,
    NotificationKind,
    Reaction,
    ReadState,
    Role,
    Room,
    RoomMember,
    Topic,
    TopicReadState,
    Visibility,
)
from forum.rendering import render
from forum.serializers import author_name, group_reactions, message_frame, topic_frame

MAX_BODY = 10_000
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
DOCUMENT_TYPES = {
    ".pdf": ("application/pdf", b"%PDF-"),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK\x03\x04"),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK\x03\x04"),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", b"PK\x03\x04"),
    ".odt": ("application/vnd.oasis.opendocument.text", b"PK\x03\x04"),
    ".txt": ("text/plain", b""),
    ".csv": ("text/csv", b""),
}
SYSTEM_MENTORING_SLUG = "mentorkoppels"
KNOWLEDGE_COMMUNITY_SLUG = "kennisbank"


# --- helpers -----------------------------------------------------------------------------


def _audit(community: Community, actor: User | None, action: str, target: str, detail: str = "") -> None:
    AuditEntry.objects.create(community=community, actor=actor, action=action, target=target[:200], detail=detail[:500])


def _notify(user_id: int, kind: str, text: str, url: str, message: Message | None = None) -> None:
    if message is not None:
        Notification.objects.get_or_create(
            user_id=user_id, kind=kind, message=message, defaults={"text": text[:300], "url": url[:300]}
        )
    else:
        Notification.objects.create(user_id=user_id, kind=kind, text=text[:300], url=url[:300])
    events.announce_user(user_id, "notification")


def _refresh_member_count(community: Community) -> None:
    count = Membership.objects.filter(community=community, state=MembershipState.ACTIVE).count()
    Community.objects.filter(pk=community.pk).update(member_count=count)
    community.member_count = count


# Community slugs that would shadow the forum's own URLs.
RESERVED_SLUGS = {"nieuw", "zoeken", "meldingen", "uitnodiging", "onderwerp", "bericht", "bijlage"}


def _unique_slug(model: Any, base: str, **scope: Any) -> str:
    slug = slugify(base)[:70] or "kring"
    if model is Community and slug in RESERVED_SLUGS:
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


# --- communities and memberships ---------------------------------------------------------


@transaction.atomic
def create_community(
    *,
    actor: User,
    name: str,
    kind: str,
    description: str,
    waaromvraag: str,
    visibility: str = Visibility.OPEN,
    scope: str = "regional",
    sectors: Iterable[Sector] = (),
    regions: Iterable[Region] = (),
    partners: Iterable[Organisation] = (),
    learning_functions: Iterable[LearningFunction] = (),
    related: Iterable[Community] = (),
    slug: str = "",
) -> Community:
    if not actor.is_authenticated:
        raise Forbidden(_("Log in to start a community."))
    check_text(name, field="name"), check_text(description + waaromvraag, field="description", multiline=True)
    if not name.strip() or not waaromvraag.strip():
        raise Invalid(
            _("A community needs a name and a shared why."), field="name" if not name.strip() else "waaromvraag"
        )
    community = Community(
        name=name.strip(),
        slug=slug or _unique_slug(Community, name),
        kind=kind,
        description=description.strip(),
        waaromvraag=waaromvraag.strip(),
        visibility=visibility,
        scope=scope,
        created_by=actor,
    )
    community.full_clean()
    community.save()
    community.sectors.set(sectors)
    community.regions.set(regions)
    community.partners.set(partners)
    community.learning_functions.set(learning_functions)
    community.related.set(related)
    Membership.objects.create(community=community, user=actor, role=Role.OWNER, state=MembershipState.ACTIVE)
    Room.objects.create(community=community, name="Algemeen", slug="algemeen")
    _refresh_member_count(community)
    _catch_up_read_state(actor, community)
    permissions.forget_memberships(actor)
    return community


@transaction.atomic
def update_community(*, actor: User, community: Community, **fields: Any) -> Community:
    if not permissions.can_moderate_community(actor, community):
        raise Forbidden(_("Only facilitators can change the community."))
    many = {
        k: fields.pop(k) for k in ["sectors", "regions", "partners", "learning_functions", "related"] if k in fields
    }
    for key, value in fields.items():
        setattr(community, key, value.strip() if isinstance(value, str) else value)
    community.full_clean()
    community.save()
    for key, values in many.items():
        getattr(community, key).set(values)
    _audit(community, actor, "update_community", community.name)
    return community


@transaction.atomic
def join_community(*, actor: User, community: Community) -> Membership:
    """Join an open community, ask to join an on-request one, or accept an invitation."""
    if not permissions.can_join(actor, community):
        raise Forbidden(_("You cannot join this community."))
    membership = Membership.objects.select_for_update().filter(community=community, user=actor).first()
    if community.visibility == Visibility.ON_REQUEST and (
        membership is None or membership.state != MembershipState.INVITED
    ):
        state = MembershipState.REQUESTED
    else:
        state = MembershipState.ACTIVE
    if membership is None:
        membership = Membership.objects.create(community=community, user=actor, state=state)
    else:
        membership.state = state
        membership.role = Role.MEMBER if membership.role != Role.OWNER else membership.role
        membership.save(update_fields=["state", "role", "updated_at"])
    if state == MembershipState.ACTIVE:
        _catch_up_read_state(actor, community)
        _refresh_member_count(community)
    else:
        for facilitator in Membership.objects.filter(
            community=community, state=MembershipState.ACTIVE, role__in=[Role.FACILITATOR, Role.OWNER]
        ).values_list("user_id", flat=True):
            _notify(
                facilitator,
                NotificationKind.MEMBERSHIP,
                _("%(name)s asks to join %(community)s") % {"name": actor.display_name, "community": community.name},
                reverse("forum:members", args=[community.slug]),
            )
    permissions.forget_memberships(actor)
    return membership


@transaction.atomic
def decide_membership(*, actor: User, membership: Membership, approve: bool) -> Membership:
    community = membership.community
    if not permissions.can_moderate_community(actor, community):
        raise Forbidden(_("Only facilitators can admit members."))
    if membership.state != MembershipState.REQUESTED:
        raise Invalid(_("There is no open request to decide on."))
    membership.state = MembershipState.ACTIVE if approve else MembershipState.DECLINED
    membership.save(update_fields=["state", "updated_at"])
    if approve:
        _catch_up_read_state(membership.user, community)
    _refresh_member_count(community)
    text = (
        _("You are now a member of %(community)s") if approve else _("Your request to join %(community)s was declined")
    ) % {"community": community.name}
    _notify(membership.user_id, NotificationKind.MEMBERSHIP, text, community.get_absolute_url())
    _audit(community, actor, "approve" if approve else "decline", membership.user.display_name)
    return membership


@transaction.atomic
def leave_community(*, actor: User, community: Community) -> None:
    membership = Membership.objects.select_for_update().filter(community=community, user=actor).first()
    if membership is None or membership.state != MembershipState.ACTIVE:
        raise Invalid(_("You are not a member of this community."))
    if membership.role == Role.OWNER and _owners(community) <= 1:
        raise Invalid(_("Hand over ownership before you leave: a community always keeps an owner."))
    membership.state = MembershipState.LEFT
    membership.role = Role.MEMBER
    membership.save(update_fields=["state", "role", "updated_at"])
    _refresh_member_count(community)
    permissions.forget_memberships(actor)
    events.announce_user(actor.pk, "access_changed", {"community": community.pk})


@transaction.atomic
def invite(*, actor: User, community: Community, email: str) -> Membership | Invitation:
    """Invite by e-mail: members with an account get an invitation in Kring, others by mail."""
    if not permissions.can_moderate_community(actor, community):
        raise Forbidden(_("Only facilitators can invite."))
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is not None:
        membership, _created = Membership.objects.get_or_create(
            community=community, user=user, defaults={"state": MembershipState.INVITED}
        )
        if membership.state == MembershipState.BANNED:
            raise Invalid(_("This person is banned from the community."))
        if membership.state != MembershipState.ACTIVE:
            membership.state = MembershipState.INVITED
            membership.save(update_fields=["state", "updated_at"])
            _notify(
                user.pk,
                NotificationKind.MEMBERSHIP,
                _("You are invited to join %(community)s") % {"community": community.name},
                community.get_absolute_url(),
            )
        _audit(community, actor, "invite", email)
        return membership
    invitation, _created = Invitation.objects.get_or_create(
        community=community, email=email, defaults={"invited_by": actor}
    )
    link = reverse("forum:accept_invitation", args=[invitation.token])
    transaction.on_commit(
        lambda: send_mail(
            _("Invitation to %(community)s on Kring") % {"community": community.name},
            _("%(name)s invites you to join %(community)s. Create an account and accept: %(link)s")
            % {"name": actor.display_name, "community": community.name, "link": link},
            None,
            [email],
        )
    )
    _audit(community, actor, "invite", email)
    return invitation


@transaction.atomic
def accept_invitation(*, actor: User, token: uuid.UUID) -> Membership:
    invitation = Invitation.objects.select_for_update().filter(token=token, accepted_at__isnull=True).first()
    if invitation is None:
        raise NotFound(_("This invitation is no longer valid."))
    if invitation.email.lower() != actor.email.lower():
        raise Forbidden(_("This invitation was sent to another e-mail address."))
    membership, _created = Membership.objects.get_or_create(
        community=invitation.community, user=actor, defaults={"state": MembershipState.ACTIVE}
    )
    if membership.state == MembershipState.BANNED:
        raise Forbidden(_("You cannot join this community."))
    membership.state = MembershipState.ACTIVE
    membership.save(update_fields=["state", "updated_at"])
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    _catch_up_read_state(actor, invitation.community)
    _refresh_member_count(invitation.community)
    permissions.forget_memberships(actor)
    return membership


@transaction.atomic
def change_role(*, actor: User, membership: Membership, role: str) -> Membership:
    community = membership.community
    if not permissions.can_manage_roles(actor, community):
        raise Forbidden(_("Only owners can change roles."))
    if role not in Role.values:
        raise Invalid(_("Unknown role."))
    if membership.state != MembershipState.ACTIVE:
        raise Invalid(_("Only active members can get a role."))
    Membership.objects.select_for_update().filter(community=community, role=Role.OWNER)
    if membership.role == Role.OWNER and role != Role.OWNER and _owners(community) <= 1:
        raise Invalid(_("A community always keeps at least one owner."))
    old = membership.role
    membership.role = role
    membership.save(update_fields=["role", "updated_at"])
    _audit(community, actor, "change_role", membership.user.display_name, f"{old} → {role}")
    return membership


@transaction.atomic
def ban_member(*, actor: User, community: Community, user: User, reason: str = "") -> Membership:
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
def mute_member(*, actor: User, community: Community, user: User, minutes: int, reason: str = "") -> Membership:
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


# --- rooms ----------------------------------------------------------------------------------


@transaction.atomic
def create_room(
    *,
    actor: User,
    community: Community,
    name: str,
    description: str = "",
    restricted: bool = False,
    members: Iterable[User] = (),
    slow_mode_seconds: int = 0,
) -> Room:
    if not permissions.can_create_room(actor, community):
        raise Forbidden(_("Only facilitators can create rooms."))
    check_text(name, field="name"), check_text(description, field="description")
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
        listed = {actor.pk, *(m.pk for m in members)}
        RoomMember.objects.bulk_create([RoomMember(room=room, user_id=uid) for uid in listed])
    _audit(community, actor, "create_room", room.name)
    return room


@transaction.atomic
def update_room(*, actor: User, room: Room, archived: bool | None = None, slow_mode_seconds: int | None = None) -> Room:
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


def _system_community(slug: str, name: str, visibility: str) -> Community:
    community, _created = Community.objects.get_or_create(
        slug=slug,
        defaults={
            "name": name,
            "kind": "other",
            "description": name,
            "waaromvraag": name,
            "visibility": visibility,
            "is_system": slug == SYSTEM_MENTORING_SLUG,
            "scope": "national",
        },
    )
    return community


@transaction.atomic
def create_pair_room(*, title: str, members: Sequence[User]) -> Room:
    """A restricted room for a mentoring pair, in the hidden system community."""
    community = _system_community(SYSTEM_MENTORING_SLUG, "Mentorkoppels", Visibility.INVITE_ONLY)
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
def add_room_member(*, room: Room, user: User) -> None:
    RoomMember.objects.get_or_create(room=room, user=user)


@transaction.atomic
def remove_room_member(*, room: Room, user: User) -> None:
    RoomMember.objects.filter(room=room, user=user).delete()
    events.announce_user(user.pk, "access_changed", {"room": room.pk})


@transaction.atomic
def ensure_knowledge_room() -> Room:
    """The open room where lessons without an origin community are discussed."""
    community = _system_community(KNOWLEDGE_COMMUNITY_SLUG, "Kennisbank", Visibility.OPEN)
    room, _created = Room.objects.get_or_create(community=community, slug="lessen", defaults={"name": "Lessen"})
    return room


# --- topics ----------------------------------------------------------------------------------


@transaction.atomic
def create_topic(
    *,
    actor: User,
    room: Room,
    title: str,
    body: str = "",
    client_id: uuid.UUID | None = None,
    is_question: bool = False,
) -> Topic:
    if not permissions.can_post_in_room(actor, room):
        raise Forbidden(_("You cannot start a topic in this room."))
    title = " ".join(check_text(title, field="title").split())
    if not title:
        raise Invalid(_("A topic needs a title."), field="title")
    if len(title) > 160:
        raise Invalid(_("Keep the title under 160 characters."), field="title")
    topic = Topic.objects.create(room=room, title=title, created_by=actor, is_question=is_question)
    if body.strip():
        post_message(actor=actor, topic=topic, body=body, client_id=client_id or uuid.uuid4())
    events.announce_room(room.pk, topic_frame(topic))
    return topic


@transaction.atomic
def rename_topic(*, actor: User, topic: Topic, title: str) -> Topic:
    if not permissions.can_manage_topic(actor, topic):
        raise Forbidden(_("You cannot rename this topic."))
    title = " ".join(check_text(title, field="title").split())
    if not title or len(title) > 160:
        raise Invalid(_("A topic needs a title of at most 160 characters."), field="title")
    topic.title = title
    topic.save(update_fields=["title"])
    events.announce_room(topic.room_id, topic_frame(topic))
    return topic


@transaction.atomic
def move_topic(*, actor: User, topic: Topic, room: Room) -> Topic:
    """Move a topic to another room of the same community; its messages get new seqs there."""
    if room.community_id != topic.room.community_id:
        raise Invalid(_("Topics move only between rooms of the same community."), field="room")
    if not permissions.can_moderate_community(actor, topic.room.community):
        raise Forbidden(_("Only facilitators can move topics."))
    if room.pk == topic.room_id:
        return topic
    source = topic.room
    target = Room.objects.select_for_update().get(pk=room.pk)
    moved = list(Message.objects.filter(topic=topic).order_by("seq").only("pk", "seq", "room"))
    for offset, message in enumerate(moved, start=1):
        message.room = target
        message.seq = target.last_seq + offset
    Message.objects.bulk_update(moved, ["room", "seq"], batch_size=500)
    Room.objects.filter(pk=target.pk).update(last_seq=F("last_seq") + len(moved))
    topic.room = target
    topic.last_seq = target.last_seq + len(moved) if moved else 0
    topic.save(update_fields=["room", "last_seq"])
    TopicReadState.objects.filter(topic=topic).update(last_read_seq=0)
    _audit(source.community, actor, "move_topic", topic.title, f"{source.name} → {target.name}")
    frame = topic_frame(topic)
    events.announce_room(source.pk, {**frame, "moved_to": target.pk})
    events.announce_room(target.pk, {"type": "resync", "room": target.pk, "reason": "topic_moved"})
    return topic


@transaction.atomic
def set_topic_resolved(*, actor: User, topic: Topic, resolved: bool) -> Topic:
    if not permissions.can_manage_topic(actor, topic):
        raise Forbidden(_("You cannot change this topic."))
    topic.is_resolved = resolved
    topic.save(update_fields=["is_resolved"])
    events.announce_room(topic.room_id, topic_frame(topic))
    return topic


@transaction.atomic
def accept_answer(*, actor: User, topic: Topic, message: Message | None) -> Topic:
    if not topic.is_question:
        raise Invalid(_("Only practice questions have an accepted answer."))
    if not permissions.can_manage_topic(actor, topic):
        raise Forbidden(_("Only the person who asked or a facilitator can accept an answer."))
    if message is not None and (message.topic_id != topic.pk or message.deleted_at is not None):
        raise Invalid(_("Accept an answer from this topic."))
    topic.accepted_answer = message
    topic.is_resolved = message is not None
    topic.save(update_fields=["accepted_answer", "is_resolved"])
    if message is not None and message.author_id and message.author_id != actor.pk:
        _notify(
            message.author_id,
            NotificationKind.ACCEPTED_ANSWER,
            _("Your answer in “%(topic)s” was accepted") % {"topic": topic.title},
            f"{topic.get_absolute_url()}#m{message.seq}",
            message,
        )
    events.announce_room(topic.room_id, topic_frame(topic))
    return topic


# --- messages ---------------------------------------------------------------------------------


def _check_slow_mode(actor: User, room: Room, *, posted_now: bool = False) -> None:
    if room.slow_mode_seconds <= 0 or permissions.can_moderate_community(actor, room.community):
        return
    last: datetime | None = timezone.now()  # when an earlier post of this batch was accepted
    if not posted_now:
        mine = Message.objects.filter(room=room, author=actor).order_by("-seq")
        last = mine.values_list("created_at", flat=True).first()
    if last is None:
        return
    wait = room.slow_mode_seconds - (timezone.now() - last).total_seconds()
    if wait > 0:
        raise RateLimited(
            _("Slow mode: wait %(seconds)d seconds before your next message.") % {"seconds": int(wait) + 1},
            wait_seconds=round(wait, 1),
        )


def validate_body(body: str) -> str:
    if not body or not body.strip():
        raise Invalid(_("Write a message first."), field="body")
    if len(body) > MAX_BODY:
        raise Invalid(_("Messages are at most 10,000 characters."), field="body")
    if text_problem(body, multiline=True):  # the shared rule (core/text.py), as forum's own error
        raise Invalid(_("The message contains characters that are not allowed."), field="body")
    try:
        body.encode("utf-8")
    except UnicodeEncodeError as exc:  # lone surrogates: not text
        raise Invalid(_("The message contains characters that are not allowed."), field="body") from exc
    return body


@dataclass(frozen=True)
class NewMessage:
    """One message to post, whichever transport brought it (reply form or post frame).

    ``room_id`` is the room the poster named; a topic that is not in it is refused.
    """

    actor: User
    room_id: int
    topic_id: int
    body: str
    client_id: uuid.UUID
    attachments: Sequence[UploadedFile] = ()


def post_message(
    *,
    actor: User,
    topic: Topic,
    body: str,
    client_id: uuid.UUID,
    attachments: Sequence[UploadedFile] = (),
) -> Message:
    """Post a message. Posting twice with the same (author, client_id) returns the first.

    The seq is taken from the room row, locked for the rest of the transaction, so seqs
    are 1, 2, 3 … per room with no gaps or duplicates whatever the number of writers.
    """
    post = NewMessage(
        actor=actor, room_id=topic.room_id, topic_id=topic.pk, body=body, client_id=client_id, attachments=attachments
    )
    result = post_messages(posts=[post])[0]
    if isinstance(result, ForumError):
        raise result
    return result


def post_messages(*, posts: Sequence[NewMessage]) -> list[Message | ForumError]:
    """Post several messages, to one room or many, in one transaction: the one write path.

    Group commit: when many members post at once, in one room or across rooms, the rooms'
    rows are locked once (in id order, so concurrent batches cannot deadlock) and the
    messages, counters, read states and notifications are written in a fixed number of
    statements for the whole batch instead of per message or per room. Each post is
    checked on its own (access, body, slow mode) and gets its own answer, in order: the
    stored message, or the ``ForumError`` that refused it. A database fault raises and
    nothing is stored.
    """
    results: list[Message | ForumError | None] = [None] * len(posts)
    existing = _existing_messages(posts)
    first_of: dict[tuple[int, uuid.UUID], int] = {}
    fresh: list[int] = []
    for i, post in enumerate(posts):
        key = (post.actor.pk, post.client_id)
        if key in existing:
            results[i] = existing[key]
        elif key not in first_of:
            first_of[key] = i
            fresh.append(i)
    if fresh:
        try:
            with transaction.atomic():
                written = _write_messages([posts[i] for i in fresh])
        except IntegrityError:
            if len(fresh) == 1:
                # A concurrent retry with the same client id won the race: answer with its message.
                found = _existing_messages([posts[fresh[0]]])
                if not found:
                    raise
                written = list(found.values())
            else:  # one of the batch raced a retry: give each post its own transaction
                written = [post_messages(posts=[posts[i]])[0] for i in fresh]
        for i, result in zip(fresh, written, strict=True):
            results[i] = result
    for i, post in enumerate(posts):
        if results[i] is None:  # the same post twice in one batch: the same answer
            results[i] = results[first_of[(post.actor.pk, post.client_id)]]
    return [r for r in results if r is not None]


def existing_messages_query(posts: Sequence[NewMessage]) -> QuerySet[Message]:
    """The messages already stored for these posts' (author, client_id) pairs (and a few more).

    Both columns, so the (author, client_id) unique index answers; client_id alone would
    scan every message ever written (measured: 226 ms at 1,000,000 messages).
    """
    return Message.objects.filter(author_id__in={p.actor.pk for p in posts}, client_id__in={p.client_id for p in posts})


def _existing_messages(posts: Sequence[NewMessage]) -> dict[tuple[int, uuid.UUID], Message]:
    """Retried posts: keys first (nearly always none), whole messages only for the hits."""
    wanted = {(p.actor.pk, p.client_id) for p in posts}
    keys = existing_messages_query(posts).values_list("author_id", "client_id", "pk")
    hits = [pk for author_id, client_id, pk in keys if (author_id, client_id) in wanted]
    if not hits:
        return {}
    found = Message.objects.filter(pk__in=hits).select_related("room", "topic")
    return {(m.author_id, m.client_id): m for m in found if m.author_id is not None}


def _fresh_memberships(users: Iterable[User], communities: Iterable[int]) -> None:
    """Reload the memberships a batch is checked against, in one query.

    A socket's user object lives for hours; its cached membership must not let a member
    who was muted or banned since keep posting.
    """
    by_id = {u.pk: u for u in users}
    community_ids = set(communities)
    found = {
        (m.user_id, m.community_id): m
        for m in Membership.objects.filter(community_id__in=community_ids, user_id__in=by_id)
    }
    for uid, user in by_id.items():
        cache = user.__dict__.setdefault("_kring_memberships", {})
        for cid in community_ids:
            cache[cid] = found.get((uid, cid))


def _mention_targets(rooms: dict[int, Room], names_by_room: dict[int, set[str]]) -> dict[int, dict[str, User]]:
    """Per room, the mentioned people who can read it: one query for the whole batch."""
    every_name = set().union(*names_by_room.values()) if names_by_room else set()
    if not every_name:
        return {}
    users = list(User.objects.filter(is_active=True, profile__display_name__in=every_name).select_related("profile"))
    _fresh_memberships(users, {rooms[room_id].community_id for room_id in names_by_room})
    targets: dict[int, dict[str, User]] = {}
    for room_id, names in names_by_room.items():
        room = rooms[room_id]
        targets[room_id] = {
            u.profile.display_name: u
            for u in users
            if u.profile.display_name in names and permissions.can_read_room(u, room)
        }
    return targets


def _mention_links(targets: dict[str, User]) -> dict[str, str]:
    """Mentioned name -> profile URL, for ``render``."""
    return {name: reverse("accounts:profile", args=[u.pk]) for name, u in targets.items()}


def _write_messages(posts: Sequence[NewMessage]) -> list[Message | ForumError]:
    rooms = {
        r.pk: r
        for r in Room.objects.select_for_update(of=("self",))
        .select_related("community")
        .filter(pk__in={p.room_id for p in posts})
        .order_by("pk")
    }
    topics = {t.pk: t for t in Topic.objects.filter(pk__in={p.topic_id for p in posts}, room_id__in=rooms)}
    _fresh_memberships([p.actor for p in posts], {r.community_id for r in rooms.values()})
    now = timezone.now()
    answers: list[Message | ForumError | None] = [None] * len(posts)
    accepted: list[tuple[int, Any, list[tuple[bytes, str, str, bool]]]] = []  # (index, rendering, attachments)
    posted_now: set[tuple[int, int]] = set()  # (room, author) with a post accepted in this batch
    for i, post in enumerate(posts):
        room = rooms.get(post.room_id)
        topic = topics.get(post.topic_id)
        try:
            if (
                room is None
                or topic is None
                or topic.room_id != room.pk
                or not permissions.can_read_room(post.actor, room)
            ):
                raise NotFound(_("This topic does not exist in this room."))
            if not permissions.can_post_in_room(post.actor, room):
                raise Forbidden(_("You cannot post in this room."))
            validate_body(post.body)
            _check_slow_mode(post.actor, room, posted_now=(room.pk, post.actor.pk) in posted_now)
            prepared = [_prepare_attachment(upload) for upload in post.attachments]
        except ForumError as exc:
            answers[i] = exc
            continue
        posted_now.add((room.pk, post.actor.pk))
        accepted.append((i, render(post.body), prepared))
    if not accepted:
        return [a for a in answers if a is not None]

    names_by_room: dict[int, set[str]] = {}
    for i, first_render, _prepared in accepted:
        if first_render.mentioned_names:
            names_by_room.setdefault(posts[i].room_id, set()).update(first_render.mentioned_names)
    targets = _mention_targets(rooms, names_by_room)
    messages: list[Message] = []
    seqs = {room_id: room.last_seq for room_id, room in rooms.items()}
    for i, first_render, _prepared in accepted:
        post = posts[i]
        room = rooms[post.room_id]
        seqs[room.pk] += 1
        rendered = first_render
        if first_render.mentioned_names:
            rendered = render(post.body, _mention_links(targets.get(room.pk, {})))
        topic = topics[post.topic_id]
        message = Message(
            room=room,
            topic=topic,
            seq=seqs[room.pk],
            author=post.actor,
            client_id=post.client_id,
            body=post.body,
            body_html=rendered.html,
            search_text=f"{topic.title}\n{rendered.text}",
            created_at=now,
        )
        message._kring_mentions = rendered.mentioned_names  # type: ignore[attr-defined]
        messages.append(message)
    Message.objects.bulk_create(messages)
    changed = {m.room_id: seqs[m.room_id] for m in messages}
    for room_id, last in changed.items():
        rooms[room_id].last_seq = last
    by_topic: dict[int, list[Message]] = {}
    for message in messages:
        by_topic.setdefault(message.topic_id, []).append(message)
    _update_counters(changed, {tid: (len(ms), ms[-1].seq) for tid, ms in by_topic.items()}, now)
    for (i, _render, prepared), message in zip(accepted, messages, strict=True):
        for content, name, content_type, is_image in prepared:
            attachment = Attachment(message=message, original_name=name, content_type=content_type, size=len(content))
            attachment.is_image = is_image
            attachment.file.save(name, ContentFile(content), save=False)
            attachment.save()
        answers[i] = message

    # Authors have read their own messages: one upsert per table for the whole batch.
    own_room = {(m.author_id, m.room_id): m.seq for m in messages if m.author_id is not None}
    own_topic = {(m.author_id, m.topic_id): m.seq for m in messages if m.author_id is not None}
    ReadState.objects.bulk_create(
        [ReadState(user_id=uid, room_id=rid, last_read_seq=s) for (uid, rid), s in own_room.items()],
        update_conflicts=True,
        unique_fields=["user", "room"],
        update_fields=["last_read_seq"],
    )
    TopicReadState.objects.bulk_create(
        [TopicReadState(user_id=uid, topic_id=tid, last_read_seq=s) for (uid, tid), s in own_topic.items()],
        update_conflicts=True,
        unique_fields=["user", "topic"],
        update_fields=["last_read_seq"],
    )
    notified = _notify_mentions(messages, targets)
    notified |= _notify_participants(topics, by_topic, targets)
    frames: dict[int, list[dict[str, Any]]] = {}
    for m in messages:
        if m.author is not None:
            frames.setdefault(m.room_id, []).append(message_frame(m, author_name=m.author.display_name))
    events.announce_batch(frames, notified)
    return [a for a in answers if a is not None]


def _values_table(rows: Sequence[tuple[Any, ...]], names: Sequence[str]) -> tuple[str, list[Any]]:
    """``SELECT %s AS a, %s AS b UNION ALL …``: a literal table that PostgreSQL and SQLite
    (3.33+) can both join in ``UPDATE … FROM``; ``VALUES … AS v(a, b)`` is PostgreSQL only."""
    select = "SELECT " + ", ".join(f"%s AS {name}" for name in names)
    return " UNION ALL ".join([select] * len(rows)), [value for row in rows for value in row]


def _update_counters(room_seqs: dict[int, int], topic_counts: dict[int, tuple[int, int]], now: datetime) -> None:
    """A batch's new room seqs and topic counters, in one statement per table whatever the
    number of rooms and topics. (The ORM's ``bulk_update``/``Case(When(…))`` builds the same
    in Python at ~0.5 ms per row: most of a 100-room batch's CPU.)"""
    qn = connection.ops.quote_name
    rooms, topics = qn(Room._meta.db_table), qn(Topic._meta.db_table)
    with connection.cursor() as cursor:
        table, params = _values_table(sorted(room_seqs.items()), ["id", "seq"])
        # Only quoted table names and placeholders are formatted in; every value is a parameter.
        cursor.execute(f"UPDATE {rooms} SET last_seq = v.seq FROM ({table}) AS v WHERE {rooms}.id = v.id", params)  # noqa: S608
        rows = [(tid, n, seq) for tid, (n, seq) in sorted(topic_counts.items())]
        table, params = _values_table(rows, ["id", "n", "seq"])
        cursor.execute(
            f"UPDATE {topics} SET message_count = {topics}.message_count + v.n, last_seq = v.seq,"  # noqa: S608
            f" last_message_at = %s FROM ({table}) AS v WHERE {topics}.id = v.id",
            [now, *params],
        )


def _notify_mentions(messages: Sequence[Message], targets: dict[int, dict[str, User]]) -> set[int]:
    """One notification per mentioned reader, written in one statement; returns who was told."""
    fresh: list[Notification] = []
    for message in messages:
        actor = message.author
        assert actor is not None
        room_targets = targets.get(message.room_id, {})
        for name in sorted(message._kring_mentions):  # type: ignore[attr-defined]
            user = room_targets.get(name)
            if user is not None and user.pk != actor.pk:
                text = _("%(name)s mentioned you in “%(topic)s”") % {
                    "name": actor.display_name,
                    "topic": message.topic.title,
                }
                url = f"{message.topic.get_absolute_url()}#m{message.seq}"
                fresh.append(
                    Notification(
                        user_id=user.pk, kind=NotificationKind.MENTION, text=text[:300], url=url[:300], message=message
                    )
                )
    Notification.objects.bulk_create(fresh, ignore_conflicts=True)
    return {n.user_id for n in fresh}


# The earlier participants of a topic told about a reply: a bound on one post's fan-out of
# notifications (a long thread does not notify hundreds of people for every reply).
PARTICIPANTS_NOTIFIED = 50


def _notify_participants(
    topics: dict[int, Topic], by_topic: dict[int, list[Message]], targets: dict[int, dict[str, User]]
) -> set[int]:
    """Tell earlier participants about replies: one unread notification per topic and person.

    For the whole batch, whatever the number of topics: one query for the participants,
    one for who already has an unread reply notification, one insert. Mentioned people
    got a mention instead. Returns who was told.
    """
    new_ids = [m.pk for ms in by_topic.values() for m in ms]
    participants: dict[int, set[int]] = {tid: set() for tid in by_topic}
    rows = (
        Message.objects.filter(topic_id__in=by_topic, deleted_at__isnull=True, author__isnull=False)
        .exclude(pk__in=new_ids)
        .values_list("topic_id", "author_id")
        .distinct()
        .order_by("topic_id", "author_id")
    )
    for tid, uid in rows:
        if len(participants[tid]) < PARTICIPANTS_NOTIFIED:
            participants[tid].add(uid)
    authors = {tid: [m.author_id for m in ms] for tid, ms in by_topic.items()}
    if not any(people or len(set(authors[tid])) > 1 for tid, people in participants.items()):
        return set()  # nobody to tell: every topic has only this batch's one author so far
    everyone = set().union(*participants.values(), *authors.values())
    waiting: set[tuple[int, int]] = set(
        Notification.objects.filter(
            user_id__in=everyone, kind=NotificationKind.REPLY, topic_id__in=by_topic, read_at__isnull=True
        ).values_list("topic_id", "user_id")
    )
    fresh: list[Notification] = []
    for tid, messages in by_topic.items():
        topic = topics[tid]
        people = participants[tid]
        for message in messages:
            actor = message.author
            assert actor is not None
            room_targets = targets.get(message.room_id, {})
            mentioned = {room_targets[n].pk for n in message._kring_mentions if n in room_targets}  # type: ignore[attr-defined]
            text = _("%(name)s replied in “%(topic)s”") % {"name": actor.display_name, "topic": topic.title}
            url = f"{topic.get_absolute_url()}#m{message.seq}"
            for uid in sorted(people - mentioned - {actor.pk}):
                if (tid, uid) in waiting:
                    continue
                fresh.append(
                    Notification(
                        user_id=uid,
                        kind=NotificationKind.REPLY,
                        text=text[:300],
                        url=url[:300],
                        message=message,
                        topic=topic,
                    )
                )
                waiting.add((tid, uid))
            people.add(actor.pk)
    Notification.objects.bulk_create(fresh, ignore_conflicts=True)
    return {n.user_id for n in fresh}


def _prepare_attachment(upload: UploadedFile) -> tuple[bytes, str, str, bool]:
    """Validate by content, not by the name or the browser's claim; re-encode images."""
    size = upload.size or 0
    if size > ATTACHMENT_MAX_BYTES:
        raise Invalid(_("Attachments are at most 10 MB."), field="attachments")
    raw = upload.read()
    name = (upload.name or "bestand").rsplit("/", 1)[-1][-100:]
    stem, dot, ext = name.rpartition(".")
    ext = f".{ext.lower()}" if dot else ""
    try:
        image, image_format = decode_raster(io.BytesIO(raw))
    except UnsupportedImage as exc:
        raise Invalid(_("Images must be JPEG, PNG, GIF or WebP."), field="attachments") from exc
    except NotAnImage:
        pass  # not an image: checked as a document below
    else:
        out = io.BytesIO()
        if image_format == "JPEG":
            image.convert("RGB").save(out, format="JPEG", quality=88)
            return out.getvalue(), f"{slugify(stem) or 'afbeelding'}.jpg", "image/jpeg", True
        image.convert("RGBA").save(out, format="PNG")
        return out.getvalue(), f"{slugify(stem) or 'afbeelding'}.png", "image/png", True
    if ext not in DOCUMENT_TYPES:
        raise Invalid(_("This kind of file cannot be attached."), field="attachments")
    content_type, magic = DOCUMENT_TYPES[ext]
    if magic and not raw.startswith(magic):
        raise Invalid(_("The file's content does not match its name."), field="attachments")
    if not magic:
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise Invalid(_("Text files must be UTF-8."), field="attachments") from exc
    return raw, f"{slugify(stem) or 'bestand'}{ext}", content_type, False


def _reactions_of(message: Message) -> dict[str, list[int]]:
    return group_reactions(Reaction.objects.filter(message=message).values_list("emoji", "user_id"))


@transaction.atomic
def edit_message(*, actor: User, message: Message, body: str) -> Message:
    message = Message.objects.select_for_update().select_related("room__community", "topic").get(pk=message.pk)
    if not permissions.can_edit_message(actor, message):
        raise Forbidden(_("You can only edit your own messages."))
    validate_body(body)
    if body == message.body:
        return message
    MessageRevision.objects.create(message=message, body=message.body)
    room = message.room
    targets = _mention_targets({room.pk: room}, {room.pk: set(render(body).mentioned_names)}).get(room.pk, {})
    rendered = render(body, _mention_links(targets))
    message.body = body
    message.body_html = rendered.html
    message.search_text = f"{message.topic.title}\n{rendered.text}"
    message.edited_at = timezone.now()
    message.save(update_fields=["body", "body_html", "search_text", "edited_at"])
    frame = message_frame(message, author_name=actor.display_name, reactions=_reactions_of(message))
    events.announce_room(message.room_id, {**frame, "type": "message_edited"})
    return message


@transaction.atomic
def delete_message(*, actor: User, message: Message) -> Message:
    """Delete leaves a tombstone: the seq stays, the text goes."""
    message = Message.objects.select_for_update().select_related("room__community").get(pk=message.pk)
    if not permissions.can_delete_message(actor, message):
        raise Forbidden(_("You cannot delete this message."))
    message.deleted_at = timezone.now()
    message.deleted_by = actor
    message.body_html = ""
    message.search_text = ""
    message.save(update_fields=["deleted_at", "deleted_by", "body_html", "search_text"])
    if message.author_id != actor.pk:
        _audit(message.room.community, actor, "delete_message", f"#{message.seq} in {message.room.name}")
    Topic.objects.filter(accepted_answer=message).update(accepted_answer=None)
    events.announce_room(
        message.room_id,
        {"type": "message_deleted", "room": message.room_id, "topic": message.topic_id, "seq": message.seq},
    )
    return message


@transaction.atomic
def react(*, actor: User, message: Message, emoji: str, add: bool | None = None) -> dict[str, list[int]]:
    """Add, remove or (``add=None``) toggle one reaction; one per member per emoji."""
    if emoji not in REACTION_EMOJI:
        raise Invalid(_("Choose one of the offered reactions."), field="emoji")
    room = message.room
    if not permissions.can_post_in_room(actor, room) or message.deleted_at is not None:
        raise Forbidden(_("You cannot react here."))
    exists = Reaction.objects.filter(message=message, user=actor, emoji=emoji).exists()
    want = (not exists) if add is None else add
    if want and not exists:
        Reaction.objects.get_or_create(message=message, user=actor, emoji=emoji)
    elif not want and exists:
        Reaction.objects.filter(message=message, user=actor, emoji=emoji).delete()
    reactions = _reactions_of(message)
    events.announce_room(
        room.pk,
        {"type": "reaction", "room": room.pk, "topic": message.topic_id, "seq": message.seq, "reactions": reactions},
    )
    return reactions


@transaction.atomic
def pin_message(*, actor: User, message: Message, pinned: bool) -> Message:
    if not permissions.can_moderate_message(actor, message):
        raise Forbidden(_("Only facilitators can pin messages."))
    message.is_pinned = pinned
    message.save(update_fields=["is_pinned"])
    _audit(message.room.community, actor, "pin" if pinned else "unpin", f"#{message.seq} in {message.room.name}")
    frame = message_frame(message, author_name=author_name(message), reactions=_reactions_of(message))
    events.announce_room(message.room_id, {**frame, "type": "message_edited"})
    return message


def mark_read(
    *,
    actor: User,
    room: Room,
    seq: int,
    topic: Topic | None = None,
    room_read_seq: int | None = None,
    topic_read_seq: int | None = None,
) -> int:
    """Move the read marker forward (never back); returns the stored value.

    ``room_read_seq`` and ``topic_read_seq`` are the markers as the caller has just read them
    (``None``: not known, or no marker yet). When the markers already cover ``seq`` — the usual
    case when a page is viewed again — nothing is written and no transaction is opened: with
    both known there is no query at all, else one read. Markers only move forward, so a known
    value that covers ``seq`` still does when this runs; the returned value is then at least it.
    """
    if not permissions.can_read_room(actor, room):
        raise Forbidden(_("You cannot read this room."))
    seq = max(0, min(int(seq), room.last_seq))
    if room_read_seq is None or (topic is not None and topic_read_seq is None):
        from forum.selectors import read_markers

        room_read_seq, topic_read_seq = read_markers(user=actor, room=room, topic=topic)
    if (
        room_read_seq is not None
        and room_read_seq >= seq
        and (topic is None or (topic_read_seq is not None and topic_read_seq >= seq))
    ):
        return room_read_seq
    with transaction.atomic():
        state, _created = ReadState.objects.get_or_create(user=actor, room=room)
        if seq > state.last_read_seq:
            ReadState.objects.filter(pk=state.pk, last_read_seq__lt=seq).update(last_read_seq=seq)
            state.last_read_seq = seq
        if topic is not None:
            topic_state, _created = TopicReadState.objects.get_or_create(user=actor, topic=topic)
            if seq > topic_state.last_read_seq:
                TopicReadState.objects.filter(pk=topic_state.pk, last_read_seq__lt=seq).update(last_read_seq=seq)
        return state.last_read_seq


@transaction.atomic
def mark_notifications_read(*, actor: User, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(user=actor, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())


# --- moderation --------------------------------------------------------------------------------


@transaction.atomic
def flag_message(*, actor: User, message: Message, reason: str) -> Flag:
    if not permissions.can_read_room(actor, message.room):
        raise Forbidden(_("You cannot flag this message."))
    reason = check_text(reason, field="reason").strip()
    if not reason:
        raise Invalid(_("Say why this message should be looked at."), field="reason")
    flag, created = Flag.objects.get_or_create(message=message, reporter=actor, defaults={"reason": reason[:500]})
    if not created and flag.state == FlagState.RESOLVED:
        flag.state = FlagState.OPEN
        flag.reason = reason[:500]
        flag.save(update_fields=["state", "reason"])
    return flag


@transaction.atomic
def hide_message(*, actor: User, message: Message, hidden: bool, reason: str = "") -> Message:
    community = message.room.community
    if not permissions.can_moderate_message(actor, message):
        raise Forbidden(_("Only facilitators can hide messages."))
    check_text(reason, field="reason")
    message.is_hidden = hidden
    message.save(update_fields=["is_hidden"])
    Flag.objects.filter(message=message, state=FlagState.OPEN).update(state=FlagState.RESOLVED)
    _audit(community, actor, "hide" if hidden else "restore", f"#{message.seq} in {message.room.name}", reason)
    frame = message_frame(message, author_name=author_name(message), reactions=_reactions_of(message))
    events.announce_room(message.room_id, {**frame, "type": "message_edited"})
    return message


@transaction.atomic
def dismiss_flags(*, actor: User, message: Message) -> int:
    community = message.room.community
    if not permissions.can_moderate_message(actor, message):
        raise Forbidden(_("Only facilitators can handle flags."))
    count = Flag.objects.filter(message=message, state=FlagState.OPEN).update(state=FlagState.RESOLVED)
    _audit(community, actor, "dismiss_flags", f"#{message.seq} in {message.room.name}")
    return count
