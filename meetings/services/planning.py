"""The meeting itself: plan, change and cancel (``MeetingInput``), and its default room."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts.actor import Actor, as_actor
from accounts.models import User
from core.errors import Conflict, Forbidden, Invalid
from core.text import check_text
from forum.models import Community, Room, RoomKind
from meetings import permissions
from meetings.models import MAX_OCCURRENCES, Answer, Meeting, MeetingState, Recurrence, Rsvp
from meetings.services._common import _locked
from meetings.services.answers import _promote_waiting
from notifications import services as notifications
from notifications.models import NotificationKind

MAX_DURATION = dt.timedelta(days=7)


@dataclass(frozen=True)
class MeetingInput:
    """What a facilitator fills in; the same for creating and editing."""

    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    description: str = ""
    place: str = ""
    video_url: str = ""
    capacity: int | None = None
    recurrence: str = Recurrence.NONE
    occurrences: int | None = None
    room: Room | None = None


def _clean(data: MeetingInput, community: Community) -> MeetingInput:
    title = " ".join(check_text(data.title or "", field="title").split())
    if not title:
        raise Invalid(_("A meeting needs a title."), field="title")
    if len(title) > 160:
        raise Invalid(_("Keep the title under 160 characters."), field="title")
    description = check_text(data.description or "", field="description", multiline=True).strip()
    if len(description) > 5000:
        raise Invalid(_("Keep the description under 5,000 characters."), field="description")
    place = " ".join(check_text(data.place or "", field="place").split())
    if len(place) > 200:
        raise Invalid(_("Keep the place under 200 characters."), field="place")
    video_url = (data.video_url or "").strip()
    if video_url:
        try:
            URLValidator(schemes=["https", "http"])(video_url)
        except ValidationError as exc:
            raise Invalid(_("Enter a full web address, starting with https://."), field="video_url") from exc
        if len(video_url) > 300:
            raise Invalid(_("This web address is too long."), field="video_url")
    if not place and not video_url:
        raise Invalid(_("Say where the meeting is: a place, a video link or both."), field="place")
    if timezone.is_naive(data.starts_at) or timezone.is_naive(data.ends_at):
        raise Invalid(_("Enter a date and a time."), field="starts_at")
    if data.ends_at <= data.starts_at:
        raise Invalid(_("The meeting must end after it starts."), field="ends_at")
    if data.ends_at - data.starts_at > MAX_DURATION:
        raise Invalid(_("A meeting lasts at most a week."), field="ends_at")
    if data.capacity is not None and data.capacity < 1:
        raise Invalid(_("Capacity is at least 1 (or leave it empty for no limit)."), field="capacity")
    if data.recurrence not in Recurrence.values:
        raise Invalid(_("Choose how often the meeting repeats."), field="recurrence")
    occurrences = data.occurrences
    if data.recurrence == Recurrence.NONE:
        occurrences = None
    elif occurrences is None or not 2 <= occurrences <= MAX_OCCURRENCES:
        raise Invalid(
            _("A repeating meeting takes place 2 to %(max)d times.") % {"max": MAX_OCCURRENCES}, field="occurrences"
        )
    room = data.room
    if room is not None and (room.community_id != community.pk or room.kind != RoomKind.COMMUNITY or room.is_archived):
        raise Invalid(_("Choose a room of this community."), field="room")
    return MeetingInput(
        title=title,
        starts_at=data.starts_at,
        ends_at=data.ends_at,
        description=description,
        place=place,
        video_url=video_url,
        capacity=data.capacity,
        recurrence=data.recurrence,
        occurrences=occurrences,
        room=room,
    )


def default_room(community: Community) -> Room | None:
    """Where minutes go when the facilitator chose no room: the community's first open room."""
    return (
        Room.objects.filter(community=community, kind=RoomKind.COMMUNITY, is_archived=False, is_restricted=False)
        .order_by("pk")
        .first()
    )


@transaction.atomic
def create_meeting(*, actor: Actor | User, community: Community, data: MeetingInput) -> Meeting:
    actor = as_actor(actor)
    if not permissions.can_manage(actor, community):
        raise Forbidden(_("Only the community's facilitators can plan a meeting."))
    clean = _clean(data, community)
    return Meeting.objects.create(
        community=community,
        title=clean.title,
        description=clean.description,
        starts_at=clean.starts_at,
        ends_at=clean.ends_at,
        place=clean.place,
        video_url=clean.video_url,
        capacity=clean.capacity,
        recurrence=clean.recurrence,
        occurrences=clean.occurrences,
        room=clean.room or default_room(community),
        created_by=actor.member,
    )


@transaction.atomic
def edit_meeting(*, actor: Actor | User, meeting: Meeting, data: MeetingInput) -> Meeting:
    """Change a meeting; calendars see the change (SEQUENCE goes up). A moved meeting is reminded again;
    a larger capacity lets the waiting list move up."""
    actor = as_actor(actor)
    meeting = _locked(meeting)
    if not permissions.can_manage(actor, meeting.community):
        raise Forbidden(_("Only the community's facilitators can change a meeting."))
    if meeting.is_cancelled:
        raise Conflict(_("This meeting is cancelled and cannot be changed."), code="meeting_cancelled")
    clean = _clean(data, meeting.community)
    if clean.starts_at != meeting.starts_at:
        meeting.reminded_at = None
    for name in (
        "title",
        "description",
        "starts_at",
        "ends_at",
        "place",
        "video_url",
        "capacity",
        "recurrence",
        "occurrences",
    ):
        setattr(meeting, name, getattr(clean, name))
    meeting.room = clean.room or meeting.room or default_room(meeting.community)
    meeting.sequence += 1
    meeting.save()
    _promote_waiting(meeting)
    return meeting


@transaction.atomic
def cancel_meeting(*, actor: Actor | User, meeting: Meeting) -> Meeting:
    """Cancelled for good: calendars get STATUS:CANCELLED with a higher SEQUENCE; the page stays."""
    actor = as_actor(actor)
    meeting = _locked(meeting)
    if not permissions.can_manage(actor, meeting.community):
        raise Forbidden(_("Only the community's facilitators can cancel a meeting."))
    if meeting.is_cancelled:
        raise Conflict(_("This meeting is already cancelled."), code="meeting_cancelled")
    meeting.state = MeetingState.CANCELLED
    meeting.sequence += 1
    meeting.save(update_fields=["state", "sequence", "updated_at"])
    told = Rsvp.objects.filter(meeting=meeting, answer__in=[Answer.GOING, Answer.MAYBE, Answer.WAITING])
    with override(settings.LANGUAGE_CODE):
        text = _("“%(title)s” is cancelled.") % {"title": meeting.title}
    notifications.notify(
        recipients=list(told.values_list("user_id", flat=True)),
        kind=NotificationKind.MEETING_REMINDER,
        url=meeting.get_absolute_url(),
        text=text[:300],
        actor=actor.member,
        community_id=meeting.community_id,
        ref=f"meeting:{meeting.pk}",
    )
    return meeting
