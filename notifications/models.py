"""One notification model for every app, and each member's preferences for them.

The notifications app sits on floor 2, below the forum and mentoring: it knows members
(``accounts``) but no forum or mentoring model, so the community, topic and message a
notification is about are plain ids, and what it says and where it leads are stored with it
(``text``, ``url``, ``seq``). The apps above tell it what happened through
``notifications.services.notify``; the forum registers the hooks it needs (``registry``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    MENTION = "mention", _("Mention")
    REPLY = "reply", _("Reply in a topic you follow")
    ACCEPTED_ANSWER = "accepted_answer", _("Accepted answer")
    MEMBERSHIP = "membership", _("Membership decision")
    DIRECT_MESSAGE = "direct_message", _("Direct message")
    INVITATION = "invitation", _("Invitation to a community")
    PROPOSAL = "proposal", _("New mentoring proposal")
    ACCEPTED = "accepted", _("Mentoring proposal accepted")
    DECLINED = "declined", _("Mentoring proposal declined")
    AGREEMENT = "agreement", _("Mentoring agreement to sign")
    ACTIVE = "active", _("Mentoring pair active")
    SESSION = "session", _("Mentoring session logged")
    REMINDER = "reminder", _("Mentoring session reminder")
    CHECKIN = "checkin", _("Mentoring check-in due")
    ENDED = "ended", _("Mentoring pair ended")
    LESSON = "lesson", _("New lesson on a theme you follow")
    MEETING_REMINDER = "meeting_reminder", _("Meetings: reminders, waiting list, cancellations")


# The kinds about a conversation in a community (a community's level applies to them).
CONVERSATION_KINDS = frozenset({NotificationKind.MENTION, NotificationKind.REPLY, NotificationKind.ACCEPTED_ANSWER})
# The kinds a community's "mentions only" level still lets through.
MENTIONS_ONLY_KINDS = frozenset({NotificationKind.MENTION})
MENTORING_KINDS = frozenset(
    {
        NotificationKind.PROPOSAL,
        NotificationKind.ACCEPTED,
        NotificationKind.DECLINED,
        NotificationKind.AGREEMENT,
        NotificationKind.ACTIVE,
        NotificationKind.SESSION,
        NotificationKind.REMINDER,
        NotificationKind.CHECKIN,
        NotificationKind.ENDED,
    }
)


class Channel(models.TextChoices):
    APP = "app", _("In the app")
    EMAIL = "email", _("E-mail")
    PUSH = "push", _("Push")


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    # Who caused it (the author of the mention, the partner who proposed); gone with their account.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=300)  # a path on this site; mails make it absolute
    # What the text was made from ({"name": …, "topic": …}), to say it again in the reader's language.
    params = models.JSONField(default=dict, blank=True)
    community_id = models.BigIntegerField(null=True, blank=True)
    room_id = models.BigIntegerField(null=True, blank=True)  # the sidebar counts unread mentions per room
    topic_id = models.BigIntegerField(null=True, blank=True)
    message_id = models.BigIntegerField(null=True, blank=True)
    seq = models.PositiveBigIntegerField(null=True, blank=True)  # the message's seq in its room (anchors)
    # What a notification outside the forum is about, to find it again ("relationship:12").
    ref = models.CharField(max_length=60, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Off in the app (the member wants this kind only by mail): not listed, not counted.
    shown = models.BooleanField(default=True)
    # Mail: due (the member wants this kind by mail) until the batch job has handled it.
    mail_due = models.BooleanField(default=False)
    emailed_at = models.DateTimeField(null=True, blank=True)  # handled by the mail batch (sent or skipped)

    class Meta:
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notif_user_created"),
            models.Index(fields=["user", "read_at"], name="notif_user_read"),
            models.Index(fields=["user", "topic_id", "kind"], name="notif_user_topic_kind"),
            models.Index(
                fields=["user", "room_id"],
                name="notif_unread_mentions",
                condition=Q(kind="mention", read_at__isnull=True),
            ),
            models.Index(
                fields=["user"], name="notif_mail_pending", condition=Q(mail_due=True, emailed_at__isnull=True)
            ),
        ]
        constraints = [
            # Once per message per kind (a retried post never notifies twice).
            models.UniqueConstraint(
                fields=["user", "kind", "message_id"],
                name="notifications_once_per_message",
                condition=Q(message_id__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return self.text


class CommunityLevel(models.TextChoices):
    ALL = "all", _("Everything")
    MENTIONS = "mentions", _("Only mentions")
    NOTHING = "nothing", _("Nothing")


class WatchState(models.TextChoices):
    FOLLOW = "follow", _("Follow")
    MUTE = "mute", _("Mute")


class Preferences(models.Model):
    """A member's settings that are not per kind: quiet hours, push content."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    quiet_from = models.TimeField(_("quiet from"), null=True, blank=True)
    quiet_until = models.TimeField(_("quiet until"), null=True, blank=True)
    push_content = models.BooleanField(_("show the message in a push notification"), default=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(quiet_from__isnull=True, quiet_until__isnull=True)
                | Q(quiet_from__isnull=False, quiet_until__isnull=False),
                name="quiet_hours_both_or_neither",
            )
        ]


class KindSetting(models.Model):
    """A member's channels for one kind; no row means the defaults (``preferences.DEFAULTS``)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    app = models.BooleanField()
    email = models.BooleanField()
    push = models.BooleanField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="kind_setting_once")]


class CommunitySetting(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    community_id = models.BigIntegerField()
    level = models.CharField(max_length=10, choices=CommunityLevel.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "community_id"], name="community_setting_once")]


class TopicWatch(models.Model):
    """Follow (reply notifications without taking part) or mute (none) a topic."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    topic_id = models.BigIntegerField()
    state = models.CharField(max_length=10, choices=WatchState.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "topic_id"], name="topic_watch_once")]
        indexes = [models.Index(fields=["topic_id", "state"], name="topic_watch_topic")]


class PushSubscription(models.Model):
    """One device's Web Push subscription (the browser's ``PushSubscription``)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)
