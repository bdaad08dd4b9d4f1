"""Meetings (bijeenkomsten) of a community: RSVP with a waiting list, an agenda, tables, minutes,
attendance, and the calendar feed's secret.

Times are stored in UTC and shown and exported in Europe/Amsterdam. A recurring meeting is one
row with a recurrence rule (weekly, every two weeks, monthly; a number of times): the RSVP, the
agenda, the tables and the minutes belong to the series; calendars get the rule as an RRULE.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

MAX_OCCURRENCES = 52


class Recurrence(models.TextChoices):
    NONE = "none", _("Once")
    WEEKLY = "weekly", _("Every week")
    BIWEEKLY = "biweekly", _("Every two weeks")
    MONTHLY = "monthly", _("Every month")


class MeetingState(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")


class Meeting(models.Model):
    community = models.ForeignKey("forum.Community", on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(_("title"), max_length=160)
    description = models.TextField(_("description"), max_length=5000, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_url = models.URLField(_("video link"), max_length=300, blank=True)
    # None: no limit. Beyond it, "I'm coming" puts a member on the waiting list.
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    recurrence = models.CharField(_("repeats"), max_length=10, choices=Recurrence.choices, default=Recurrence.NONE)
    occurrences = models.PositiveSmallIntegerField(_("number of times"), null=True, blank=True)
    state = models.CharField(max_length=10, choices=MeetingState.choices, default=MeetingState.SCHEDULED)
    # Raised on every change that calendars must see (RFC 5545 SEQUENCE); the UID never changes.
    sequence = models.PositiveIntegerField(default=0)
    # The room the minutes are posted in (a community room of the same community).
    room = models.ForeignKey(
        "forum.Room", verbose_name=_("room for the minutes"), null=True, blank=True, on_delete=models.SET_NULL
    )
    table_size = models.PositiveSmallIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["community", "starts_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="meeting_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__isnull=True) | Q(capacity__gte=1), name="meeting_capacity"),
            models.CheckConstraint(condition=~Q(place="") | ~Q(video_url=""), name="meeting_has_place_or_link"),
            models.CheckConstraint(
                condition=Q(recurrence="none", occurrences__isnull=True)
                | (
                    ~Q(recurrence="none")
                    & Q(occurrences__isnull=False, occurrences__gte=2, occurrences__lte=MAX_OCCURRENCES)
                ),
                name="meeting_recurrence_count",
            ),
            models.CheckConstraint(
                condition=Q(table_size__isnull=True) | Q(table_size__gte=2), name="meeting_table_size"
            ),
            models.CheckConstraint(condition=~Q(title=""), name="meeting_title_not_empty"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:meeting", args=[self.pk])

    @property
    def is_cancelled(self) -> bool:
        return self.state == MeetingState.CANCELLED

    @property
    def is_hybrid(self) -> bool:
        return bool(self.place and self.video_url)


class Answer(models.TextChoices):
    GOING = "going", _("I'm coming")
    WAITING = "waiting", _("On the waiting list")
    MAYBE = "maybe", _("Maybe")
    NOT_GOING = "not_going", _("I'm not coming")


class Rsvp(models.Model):
    """A member's answer; "going" beyond the capacity is stored as "waiting" (first come, first served)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="rsvps")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    answer = models.CharField(max_length=10, choices=Answer.choices)
    # When the member last asked for a place: the waiting list's order.
    answered_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="rsvp_once_per_member")]
        indexes = [models.Index(fields=["meeting", "answer", "answered_at"])]


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    title = models.CharField(_("item"), max_length=200)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # The message it came from ("op de agenda zetten"), in a room of the meeting's community.
    source_message = models.ForeignKey(
        "forum.Message", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    position = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "source_message"],
                condition=Q(source_message__isnull=False),
                name="agenda_message_once",
            ),
            models.CheckConstraint(condition=~Q(title=""), name="agenda_title_not_empty"),
        ]


class Seat(models.Model):
    """A member at a table (numbered from 1) of a meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="seats")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    table = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["table", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="seat_once_per_meeting"),
            models.CheckConstraint(condition=Q(table__gte=1), name="seat_table_positive"),
        ]


class Minutes(models.Model):
    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="minutes")
    body = models.TextField(_("minutes"), max_length=20000)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    # Where they were posted (a topic in the meeting's room) and the draft lesson proposed from them.
    topic = models.ForeignKey("forum.Topic", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    posted_at = models.DateTimeField(null=True, blank=True)
    lesson = models.ForeignKey(
        "knowledge_base.LessonPage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name_plural = _("minutes")


class Decision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.CharField(_("decision"), max_length=500)
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="decision_not_empty")]


class ActionItem(models.Model):
    """Actiepunt: what, who (a member), by when."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="action_items")
    text = models.CharField(_("action"), max_length=500)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    due_on = models.DateField(_("by when"), null=True, blank=True)
    position = models.PositiveIntegerField()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.CheckConstraint(condition=~Q(text=""), name="action_item_not_empty")]


class Attendance(models.Model):
    """Who was there, recorded by a facilitator (read by the passport and monitoring through
    ``meetings.selectors.attendance_for``)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="attendance_once_per_member")]


class CalendarFeed(models.Model):
    """The secret of a member's personal calendar feed: only its SHA-256 is kept."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now=True)
