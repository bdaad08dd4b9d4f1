"""Learning communities, their rooms, topics and messages."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, Region, Sector
from core.limits import MAX_MESSAGE_BODY


class CommunityKind(models.TextChoices):
    KENNISKRING = "kenniskring", "Kenniskring"
    FIELDLAB = "fieldlab", "Fieldlab"
    LIVING_LAB = "living_lab", "Living lab"
    COCI = "coci", "COCI"
    INNOVATIELAB = "innovatielab", "Innovatielab"
    CAMPUS = "campus", "Campus"
    HUB = "hub", "Hub"
    CENTRE_OF_EXPERTISE = "centre_of_expertise", "Centre of Expertise"
    CIV = "civ", "Centrum voor Innovatief Vakmanschap"
    OTHER = "other", _("Other")


class Scope(models.TextChoices):
    REGIONAL = "regional", _("Regional")
    NATIONAL = "national", _("National")
    INTERNATIONAL = "international", _("International")


class Visibility(models.TextChoices):
    OPEN = "open", _("Open: anyone can join")
    ON_REQUEST = "on_request", _("On request: facilitators admit members")
    INVITE_ONLY = "invite_only", _("Invite only")


class LearningFunction(models.Model):
    """Leerfunctie: voorwaardelijk, reactief, proactief (a fixed set, loaded by migration)."""

    code = models.CharField(max_length=20, primary_key=True)
    name = models.CharField(_("name"), max_length=60)

    def __str__(self) -> str:
        return self.name


class Community(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=CommunityKind.choices)
    description = models.TextField(_("description"), max_length=5000)
    waaromvraag = models.TextField(_("why we exist (waaromvraag)"), max_length=2000)
    sectors = models.ManyToManyField(Sector, verbose_name=_("sectors"), blank=True)
    regions = models.ManyToManyField(Region, verbose_name=_("regions"), blank=True)
    scope = models.CharField(_("scope"), max_length=20, choices=Scope.choices, default=Scope.REGIONAL)
    partners = models.ManyToManyField(Organisation, verbose_name=_("partner organisations"), blank=True)
    learning_functions = models.ManyToManyField(LearningFunction, verbose_name=_("learning functions"), blank=True)
    visibility = models.CharField(_("visibility"), max_length=20, choices=Visibility.choices, default=Visibility.OPEN)
    related = models.ManyToManyField("self", verbose_name=_("related communities"), blank=True, symmetrical=True)
    # System communities hold rooms that are not part of the public network (mentoring pairs).
    is_system = models.BooleanField(default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    member_count = models.PositiveIntegerField(default=0)  # kept by services; for the directory

    class Meta:
        ordering = ["name"]
        verbose_name = _("community")
        verbose_name_plural = _("communities")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("forum:community", args=[self.slug])


class Role(models.TextChoices):
    MEMBER = "member", _("Member")
    FACILITATOR = "facilitator", _("Facilitator")
    OWNER = "owner", _("Owner")


class MembershipState(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    INVITED = "invited", _("Invited")
    ACTIVE = "active", _("Active")
    LEFT = "left", _("Left")
    BANNED = "banned", _("Banned")
    DECLINED = "declined", _("Declined")


class Membership(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    state = models.CharField(_("state"), max_length=20, choices=MembershipState.choices)
    muted_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["community", "user"], name="membership_unique")]
        indexes = [models.Index(fields=["user", "state"])]

    @property
    def is_active(self) -> bool:
        return self.state == MembershipState.ACTIVE


class Invitation(models.Model):
    """An invitation by e-mail, also for people who have no account yet."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["community", "email"], name="invitation_unique_email")]


class RoomKind(models.TextChoices):
    COMMUNITY = "community", _("Community room")
    DIRECT = "direct", _("Direct conversation")


# A direct conversation has two to this many participants (the creator included).
DIRECT_MAX_PARTICIPANTS = 8


class Room(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="rooms")
    # A direct conversation is a restricted room of the hidden system community "berichten" with one
    # topic; ``direct_key`` names its set of participants (sorted ids, "3-8-12") so that opening a
    # conversation with the same people twice finds the first one.
    kind = models.CharField(max_length=10, choices=RoomKind.choices, default=RoomKind.COMMUNITY)
    direct_key = models.CharField(max_length=200, null=True, blank=True, unique=True)
    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(max_length=80)
    description = models.CharField(_("description"), max_length=300, blank=True)
    is_restricted = models.BooleanField(_("restricted to listed members"), default=False)
    is_archived = models.BooleanField(_("archived"), default=False)
    slow_mode_seconds = models.PositiveIntegerField(_("slow mode (seconds between messages)"), default=0)
    # The last seq handed out; the row is locked while a message takes the next one.
    last_seq = models.PositiveBigIntegerField(default=0)
    members: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="RoomMember", related_name="rooms", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "slug"], name="room_unique_slug"),
            # A direct conversation is always restricted to its listed participants and has a key;
            # a community room never has one.
            models.CheckConstraint(
                condition=Q(kind="community", direct_key__isnull=True)
                | Q(kind="direct", is_restricted=True, direct_key__isnull=False),
                name="room_direct_restricted_with_key",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        if self.is_direct:
            return reverse("forum:direct_room", args=[self.pk])
        return reverse("forum:room", args=[self.community.slug, self.slug])

    @property
    def is_direct(self) -> bool:
        return self.kind == RoomKind.DIRECT


class RoomMember(models.Model):
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="room_members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["room", "user"], name="room_member_unique")]


class Topic(models.Model):
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="topics")
    title = models.CharField(_("title"), max_length=160)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_message_at = models.DateTimeField(null=True, blank=True)
    message_count = models.PositiveIntegerField(default=0)
    last_seq = models.PositiveBigIntegerField(default=0)  # the room seq of its newest message
    is_resolved = models.BooleanField(_("resolved"), default=False)
    is_question = models.BooleanField(_("practice question (kennisvraag)"), default=False)
    accepted_answer = models.OneToOneField(
        "Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="accepted_for"
    )

    class Meta:
        indexes = [models.Index(fields=["room", "-last_message_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(accepted_answer__isnull=True) | Q(is_question=True), name="topic_answer_only_for_questions"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("forum:topic", args=[self.pk])


class Message(models.Model):
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="messages")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="messages")
    seq = models.PositiveBigIntegerField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    client_id = models.UUIDField()
    body = models.TextField(max_length=MAX_MESSAGE_BODY)
    body_html = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    is_hidden = models.BooleanField(default=False)  # hidden by a moderator, restorable
    is_pinned = models.BooleanField(default=False)
    search_text = models.TextField(blank=True)  # plain text for search
    # The message this one answers, in the same topic (the posting service checks; on PostgreSQL
    # a composite foreign key (reply_to, topic) -> (id, topic) enforces it too, migration 0005).
    reply_to = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["room", "seq"], name="message_unique_room_seq"),
            models.UniqueConstraint(fields=["author", "client_id"], name="message_unique_author_client_id"),
            models.CheckConstraint(condition=Q(seq__gte=1), name="message_seq_positive"),
        ]
        indexes = [
            models.Index(fields=["topic", "-seq"]),
            models.Index(fields=["room", "-seq"]),
            # A topic's participants, probed one author at a time (forum.services.notifications).
            models.Index(
                fields=["topic", "author"], condition=Q(deleted_at__isnull=True), name="message_topic_author_live"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.room_id}#{self.seq}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class MessageRevision(models.Model):
    """The earlier text of an edited message: edits leave a visible history."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]


# The quick choices offered first; any single emoji from the picker is a reaction too
# (forum.services.reactions checks and normalises it).
REACTION_EMOJI = ["👍", "❤️", "🎉", "💡", "🤔", "🙏"]
REACTION_MAX_LENGTH = 32  # the longest RGI sequences (ZWJ families, tagged flags) are ~14 code points


class Reaction(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    emoji = models.CharField(max_length=REACTION_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "user", "emoji"], name="reaction_unique"),
            models.CheckConstraint(condition=~Q(emoji=""), name="reaction_not_empty"),
        ]


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"attachments/{instance.message.room_id}/{uuid.uuid4().hex}/{filename}"


class Attachment(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=300)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    is_image = models.BooleanField(default=False)
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    # Images only: the stored image's size, and a thumbnail at most THUMBNAIL_WIDTH wide beside it.
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    thumbnail = models.FileField(max_length=300, blank=True)
    thumbnail_width = models.PositiveIntegerField(null=True, blank=True)
    thumbnail_height = models.PositiveIntegerField(null=True, blank=True)


class ReadState(models.Model):
    """The last seq a member has read, per room and (optionally) per topic."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="+")
    last_read_seq = models.PositiveBigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "room"], name="read_state_unique")]


class TopicReadState(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="+")
    last_read_seq = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "topic"], name="topic_read_state_unique")]


class FlagState(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved")


class Flag(models.Model):
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="flags")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=500)
    state = models.CharField(max_length=10, choices=FlagState.choices, default=FlagState.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["message", "reporter"], name="flag_once_per_reporter")]


class AuditEntry(models.Model):
    """Every moderation action, readable by the community's facilitators."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="audit_entries")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=40)
    target = models.CharField(max_length=200)
    detail = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["community", "-created_at"])]


class WhoMayMessage(models.TextChoices):
    EVERYONE = "everyone", _("Everyone on Kring")
    COMMUNITIES = "communities", _("People in my communities")
    NOBODY = "nobody", _("Nobody")


class DirectMessageSetting(models.Model):
    """Who may start a direct conversation with a member (no row: people in their communities)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+")
    who_may_message = models.CharField(
        _("who may send me a message"), max_length=20, choices=WhoMayMessage.choices, default=WhoMayMessage.COMMUNITIES
    )


class Block(models.Model):
    """``blocker`` no longer hears from ``blocked``: no new conversation, no message in a shared one."""

    blocker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    blocked = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="block_once"),
            models.CheckConstraint(condition=~Q(blocker=models.F("blocked")), name="block_not_self"),
        ]
