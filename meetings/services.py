"""Every write of meetings: named actions, keyword-only, one transaction each, permission-checked,
taking the explicit ``actor``. Views call these and nothing else writes meetings' models.

RSVP and the waiting list: "I'm coming" takes a place while the meeting has one, else puts the
member on the waiting list (first come, first served, by ``answered_at``). Whenever a place frees
up (someone changes their answer, the capacity grows) the first on the list moves up and is told
(the ``meeting_reminder`` notification kind, so the member's preferences decide how); so is
everyone who answered anything but "not coming" when a meeting is cancelled. The meeting
row is locked while places are counted, so two members never take the last place together.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts.actor import Actor, as_actor
from accounts.models import User
from core.errors import Conflict, Forbidden, Invalid, NotFound
from core.text import check_text
from forum import services as forum_services
from forum.models import Community, Membership, MembershipState, Message, Room, RoomKind, Topic
from knowledge_base import services as kb_services
from knowledge_base.models import LessonPage
from meetings import permissions, tables
from meetings.models import (
    MAX_OCCURRENCES,
    ActionItem,
    AgendaItem,
    Answer,
    Attendance,
    CalendarFeed,
    Decision,
    Meeting,
    MeetingState,
    Minutes,
    Recurrence,
    Rsvp,
    Seat,
)
from notifications import services as notifications
from notifications.models import NotificationKind

MAX_AGENDA_ITEMS = 50
MAX_DECISIONS = 30
MAX_ACTION_ITEMS = 30
MAX_TABLE_SIZE = 50
MAX_DURATION = dt.timedelta(days=7)


# --- the meeting itself ---------------------------------------------------------------------------


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


def _locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().select_related("community").get(pk=meeting.pk)


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


# --- RSVP and the waiting list --------------------------------------------------------------------


def _going_count(meeting: Meeting) -> int:
    return Rsvp.objects.filter(meeting=meeting, answer=Answer.GOING).count()


def _has_place(meeting: Meeting) -> bool:
    return meeting.capacity is None or _going_count(meeting) < meeting.capacity


def _promote_waiting(meeting: Meeting) -> list[Rsvp]:
    """Move members up from the waiting list while there are places (the meeting row is locked)."""
    promoted: list[Rsvp] = []
    free = None if meeting.capacity is None else meeting.capacity - _going_count(meeting)
    waiting = Rsvp.objects.filter(meeting=meeting, answer=Answer.WAITING).order_by("answered_at", "pk")
    if free is not None:
        if free <= 0:
            return promoted
        waiting = waiting[:free]
    for rsvp in waiting.select_related("user"):
        rsvp.answer = Answer.GOING
        rsvp.save(update_fields=["answer"])
        promoted.append(rsvp)
    if promoted:
        with override(settings.LANGUAGE_CODE):
            text = _("A place came free: you are now on the list for “%(title)s”.") % {"title": meeting.title}
        notifications.notify(
            recipients=[r.user_id for r in promoted],
            kind=NotificationKind.MEETING_REMINDER,
            url=meeting.get_absolute_url(),
            text=text,
            ref=f"meeting:{meeting.pk}",
        )
    return promoted


@transaction.atomic
def rsvp(*, actor: Actor | User, meeting: Meeting, answer: str) -> Rsvp:
    """Answer "going", "maybe" or "not_going". "going" without a free place is stored as "waiting";
    answering "going" again keeps one's place in the list (or on the waiting list)."""
    actor = as_actor(actor)
    if answer not in {Answer.GOING, Answer.MAYBE, Answer.NOT_GOING}:
        raise Invalid(_("Choose: I'm coming, maybe, or I'm not coming."), field="answer")
    meeting = _locked(meeting)
    if not permissions.can_see(actor, meeting):
        raise NotFound(_("This meeting does not exist."))
    if not permissions.can_take_part(actor, meeting.community):
        raise Forbidden(_("Join the community first to answer."))
    if meeting.is_cancelled:
        raise Conflict(_("This meeting is cancelled."), code="meeting_cancelled")
    if meeting.ends_at <= timezone.now():
        raise Conflict(_("This meeting is over."), code="meeting_over")
    current = Rsvp.objects.filter(meeting=meeting, user=actor.member).first()
    now = timezone.now()
    if current is not None and answer == Answer.GOING and current.answer in {Answer.GOING, Answer.WAITING}:
        return current
    stored = answer
    if answer == Answer.GOING and not _has_place(meeting):
        stored = Answer.WAITING
    if current is None:
        current = Rsvp.objects.create(meeting=meeting, user=actor.member, answer=stored, answered_at=now)
    else:
        was_going = current.answer == Answer.GOING
        current.answer = stored
        current.answered_at = now
        current.save(update_fields=["answer", "answered_at"])
        if was_going and stored != Answer.GOING:
            _promote_waiting(meeting)
    return current


@transaction.atomic
def withdraw_rsvp(*, actor: Actor | User, meeting: Meeting) -> bool:
    """Take one's answer back (no answer, as before answering); a place it frees goes to the first
    on the waiting list. Without an answer nothing happens (answers False): calling twice is safe."""
    actor = as_actor(actor)
    meeting = _locked(meeting)
    if not permissions.can_see(actor, meeting):
        raise NotFound(_("This meeting does not exist."))
    current = Rsvp.objects.filter(meeting=meeting, user_id=actor.member_id).first() if actor.is_authenticated else None
    if current is None:
        return False
    if meeting.is_cancelled:
        raise Conflict(_("This meeting is cancelled."), code="meeting_cancelled")
    if meeting.ends_at <= timezone.now():
        raise Conflict(_("This meeting is over."), code="meeting_over")
    was_going = current.answer == Answer.GOING
    current.delete()
    if was_going:
        _promote_waiting(meeting)
    return True


# --- the agenda ------------------------------------------------------------------------------------


def _next_position(meeting: Meeting) -> int:
    found = AgendaItem.objects.filter(meeting=meeting).aggregate(m=Max("position"))["m"]
    return (found or 0) + 1


def _check_agenda(actor: Actor, meeting: Meeting) -> None:
    if not permissions.can_see(actor, meeting):
        raise NotFound(_("This meeting does not exist."))
    if not (permissions.can_take_part(actor, meeting.community) or permissions.can_manage(actor, meeting.community)):
        raise Forbidden(_("Join the community first to add to the agenda."))
    if meeting.is_cancelled:
        raise Conflict(_("This meeting is cancelled."), code="meeting_cancelled")
    if AgendaItem.objects.filter(meeting=meeting).count() >= MAX_AGENDA_ITEMS:
        raise Conflict(_("The agenda is full (at most 50 items)."), code="agenda_full")


@transaction.atomic
def add_agenda_item(*, actor: Actor | User, meeting: Meeting, title: str, note: str = "") -> AgendaItem:
    actor = as_actor(actor)
    meeting = _locked(meeting)
    _check_agenda(actor, meeting)
    title = " ".join(check_text(title or "", field="title").split())
    if not title:
        raise Invalid(_("Write what you want to discuss."), field="title")
    if len(title) > 200:
        raise Invalid(_("Keep the item under 200 characters."), field="title")
    note = check_text(note or "", field="note", multiline=True).strip()
    if len(note) > 2000:
        raise Invalid(_("Keep the note under 2,000 characters."), field="note")
    return AgendaItem.objects.create(
        meeting=meeting, title=title, note=note, added_by=actor.member, position=_next_position(meeting)
    )


def _title_from(message: Message) -> str:
    """The message's text on one line, shortened (its Markdown marks kept: the agenda shows it as text)."""
    text = " ".join(message.body.split())
    return text if len(text) <= 120 else text[:119].rstrip() + "…"


@transaction.atomic
def add_message_to_agenda(*, actor: Actor | User, meeting: Meeting, message: Message) -> AgendaItem:
    """ "Op de agenda zetten": a message the actor can read, from an open room of the meeting's
    community, becomes an agenda item that links back to it (once per meeting)."""
    actor = as_actor(actor)
    meeting = _locked(meeting)
    _check_agenda(actor, meeting)
    message = Message.objects.select_related("room__community", "author__profile").get(pk=message.pk)
    if not permissions.can_put_message_on_agenda(actor, meeting, message):
        raise Invalid(_("Only a message from an open room of this community can go on its agenda."), field="message")
    if AgendaItem.objects.filter(meeting=meeting, source_message=message).exists():
        raise Conflict(_("This message is already on the agenda."), code="agenda_duplicate")
    author = message.author.display_name if message.author else _("Former member")
    try:
        with transaction.atomic():
            return AgendaItem.objects.create(
                meeting=meeting,
                title=_title_from(message) or _("A message"),
                note=_("From a message by %(name)s.") % {"name": author},
                added_by=actor.member,
                source_message=message,
                position=_next_position(meeting),
            )
    except IntegrityError as exc:  # the same message, added at the same moment by someone else
        raise Conflict(_("This message is already on the agenda."), code="agenda_duplicate") from exc


@transaction.atomic
def remove_agenda_item(*, actor: Actor | User, item: AgendaItem) -> None:
    """The one who added it, or a facilitator."""
    actor = as_actor(actor)
    meeting = item.meeting
    if not (
        permissions.can_manage(actor, meeting.community)
        or (item.added_by_id == actor.pk and permissions.can_take_part(actor, meeting.community))
    ):
        raise Forbidden(_("Only who added an item, or a facilitator, can remove it."))
    item.delete()


# --- tables ----------------------------------------------------------------------------------------


def _attendee_ids(meeting: Meeting) -> list[int]:
    return list(
        Rsvp.objects.filter(meeting=meeting, answer=Answer.GOING)
        .order_by("answered_at", "pk")
        .values_list("user_id", flat=True)
    )


@transaction.atomic
def split_into_tables(*, actor: Actor | User, meeting: Meeting, size: int) -> list[list[int]]:
    """Split who is coming into tables of about ``size`` that mix organisations, sectors and roles
    (``meetings.tables``); replaces an earlier split."""
    actor = as_actor(actor)
    meeting = _locked(meeting)
    if not permissions.can_manage(actor, meeting.community):
        raise Forbidden(_("Only the community's facilitators can make tables."))
    if meeting.is_cancelled:
        raise Conflict(_("This meeting is cancelled."), code="meeting_cancelled")
    if not 2 <= size <= MAX_TABLE_SIZE:
        raise Invalid(_("A table seats 2 to %(max)d people.") % {"max": MAX_TABLE_SIZE}, field="size")
    people = tables.people_for(_attendee_ids(meeting))
    if len(people) < 2:
        raise Conflict(_("At least two people must be coming before you can make tables."), code="too_few")
    split = tables.assign(people, size)
    Seat.objects.filter(meeting=meeting).delete()
    Seat.objects.bulk_create(
        [Seat(meeting=meeting, user_id=p.user_id, table=n) for n, group in enumerate(split, 1) for p in group]
    )
    meeting.table_size = size
    meeting.save(update_fields=["table_size", "updated_at"])
    return [[p.user_id for p in group] for group in split]


@transaction.atomic
def move_to_table(*, actor: Actor | User, meeting: Meeting, user_id: int, table: int) -> Seat:
    """Adjust by hand: put one attendee at another (or a new) table."""
    actor = as_actor(actor)
    meeting = _locked(meeting)
    if not permissions.can_manage(actor, meeting.community):
        raise Forbidden(_("Only the community's facilitators can change the tables."))
    seat = Seat.objects.filter(meeting=meeting, user_id=user_id).first()
    if seat is None:
        raise Invalid(_("This person has no seat yet: make the tables first."), field="user")
    highest = Seat.objects.filter(meeting=meeting).aggregate(m=Max("table"))["m"] or 1
    if not 1 <= table <= highest + 1:
        raise Invalid(_("Choose one of the tables, or the next new one."), field="table")
    seat.table = table
    seat.save(update_fields=["table"])
    return seat


# --- attendance ------------------------------------------------------------------------------------


@transaction.atomic
def record_attendance(*, actor: Actor | User, meeting: Meeting, present: Sequence[int]) -> int:
    """Who was there (active members of the community); replaces the earlier record. Returns the count."""
    actor = as_actor(actor)
    meeting = _locked(meeting)
    if not permissions.can_manage(actor, meeting.community):
        raise Forbidden(_("Only the community's facilitators can record who was there."))
    if meeting.is_cancelled:
        raise Conflict(_("This meeting is cancelled."), code="meeting_cancelled")
    if meeting.starts_at > timezone.now():
        raise Conflict(_("You can record who was there once the meeting has started."), code="meeting_not_started")
    wanted = set(present)
    members = set(
        Membership.objects.filter(
            community=meeting.community, state=MembershipState.ACTIVE, user_id__in=wanted
        ).values_list("user_id", flat=True)
    )
    if wanted - members:
        raise Invalid(_("Only members of the community can be recorded as present."), field="present")
    Attendance.objects.filter(meeting=meeting).exclude(user_id__in=members).delete()
    known = set(Attendance.objects.filter(meeting=meeting).values_list("user_id", flat=True))
    Attendance.objects.bulk_create(
        [Attendance(meeting=meeting, user_id=uid, recorded_by=actor.member) for uid in sorted(members - known)]
    )
    return len(members)


# --- minutes ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionInput:
    text: str
    owner: User | None = None
    due_on: dt.date | None = None


@transaction.atomic
def write_minutes(
    *,
    actor: Actor | User,
    meeting: Meeting,
    body: str,
    decisions: Sequence[str] = (),
    actions: Sequence[ActionInput] = (),
) -> Minutes:
    """Save the minutes with their decisions and action items (who, by when); replaces earlier ones."""
    actor = as_actor(actor)
    meeting = _locked(meeting)
    if not permissions.can_manage(actor, meeting.community):
        raise Forbidden(_("Only the community's facilitators can write the minutes."))
    if meeting.is_cancelled:
        raise Conflict(_("This meeting is cancelled."), code="meeting_cancelled")
    body = check_text(body or "", field="body", multiline=True).strip()
    if not body:
        raise Invalid(_("Write what was discussed."), field="body")
    if len(body) > 20000:
        raise Invalid(_("Keep the minutes under 20,000 characters."), field="body")
    clean_decisions = [" ".join(check_text(d, field="decisions").split()) for d in decisions]
    clean_decisions = [d for d in clean_decisions if d]
    if len(clean_decisions) > MAX_DECISIONS:
        raise Invalid(_("At most 30 decisions."), field="decisions")
    if any(len(d) > 500 for d in clean_decisions):
        raise Invalid(_("Keep each decision under 500 characters."), field="decisions")
    clean_actions = []
    for action in actions:
        text = " ".join(check_text(action.text or "", field="actions").split())
        if not text:
            continue
        if len(text) > 500:
            raise Invalid(_("Keep each action under 500 characters."), field="actions")
        if (
            action.owner is not None
            and not Membership.objects.filter(
                community=meeting.community, user=action.owner, state=MembershipState.ACTIVE
            ).exists()
        ):
            raise Invalid(_("Who does it must be a member of the community."), field="actions")
        clean_actions.append(ActionInput(text=text, owner=action.owner, due_on=action.due_on))
    if len(clean_actions) > MAX_ACTION_ITEMS:
        raise Invalid(_("At most 30 action items."), field="actions")
    minutes, _created = Minutes.objects.update_or_create(
        meeting=meeting, defaults={"body": body, "written_by": actor.member}
    )
    Decision.objects.filter(meeting=meeting).delete()
    Decision.objects.bulk_create(
        [Decision(meeting=meeting, text=d, position=i) for i, d in enumerate(clean_decisions, 1)]
    )
    ActionItem.objects.filter(meeting=meeting).delete()
    ActionItem.objects.bulk_create(
        [
            ActionItem(meeting=meeting, text=a.text, owner=a.owner, due_on=a.due_on, position=i)
            for i, a in enumerate(clean_actions, 1)
        ]
    )
    return minutes


def minutes_text(meeting: Meeting, minutes: Minutes) -> str:
    """The minutes as one forum message (Markdown), in the site's language."""
    when = formats.date_format(timezone.localtime(meeting.starts_at), "DATE_FORMAT")
    lines = [f"**{_('Minutes of %(title)s (%(when)s)') % {'title': meeting.title, 'when': when}}**", "", minutes.body]
    decisions = list(Decision.objects.filter(meeting=meeting))
    if decisions:
        lines += ["", f"**{_('Decisions')}**", *[f"- {d.text}" for d in decisions]]
    actions = list(ActionItem.objects.filter(meeting=meeting).select_related("owner__profile"))
    if actions:
        lines += ["", f"**{_('Action items')}**"]
        for a in actions:
            who = a.owner.display_name if a.owner else _("nobody yet")
            due = formats.date_format(a.due_on, "DATE_FORMAT") if a.due_on else _("no date")
            lines.append(f"- {a.text} ({who}, {due})")
    return "\n".join(lines)


@transaction.atomic
def post_minutes(*, actor: Actor | User, meeting: Meeting) -> Topic:
    """Post the minutes in the meeting's room through the forum's own services: a new topic the first
    time, a new message in that topic after a change."""
    actor = as_actor(actor)
    meeting = _locked(meeting)
    if not permissions.can_manage(actor, meeting.community):
        raise Forbidden(_("Only the community's facilitators can post the minutes."))
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if minutes is None:
        raise Conflict(_("Write the minutes first."), code="no_minutes")
    body = minutes_text(meeting, minutes)
    if len(body) > forum_services.MAX_BODY:
        raise Invalid(_("The minutes are too long for one message."), field="body")
    topic = minutes.topic
    if topic is None:
        room = meeting.room or default_room(meeting.community)
        if room is None:
            raise Conflict(_("This community has no open room to post the minutes in."), code="no_room")
        when = formats.date_format(timezone.localtime(meeting.starts_at), "DATE_FORMAT")
        title = (_("Minutes: %(title)s (%(when)s)") % {"title": meeting.title, "when": when})[:160]
        topic = forum_services.create_topic(actor=actor, room=room, title=title, body=body, client_id=uuid.uuid4())
        minutes.topic = topic
    else:
        forum_services.post_message(actor=actor, topic=topic, body=body, client_id=uuid.uuid4())
    minutes.posted_at = timezone.now()
    minutes.save(update_fields=["topic", "posted_at", "updated_at"])
    return topic


@transaction.atomic
def propose_minutes_as_lesson(*, actor: Actor | User, meeting: Meeting) -> LessonPage:
    """A draft lesson from the posted minutes, through the knowledge base's promotion (the one
    write path from conversation to lesson)."""
    actor = as_actor(actor)
    if not permissions.can_manage(actor, meeting.community):
        raise Forbidden(_("Only the community's facilitators can propose the minutes as a lesson."))
    minutes = Minutes.objects.select_related("topic__room__community").filter(meeting=meeting).first()
    if minutes is None or minutes.topic is None:
        raise Conflict(_("Post the minutes in the room first."), code="minutes_not_posted")
    lesson = kb_services.promote_topic_to_lesson(actor=actor.member, topic=minutes.topic)
    minutes.lesson = lesson
    minutes.save(update_fields=["lesson", "updated_at"])
    return lesson


# --- the personal calendar feed --------------------------------------------------------------------


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def reset_feed_token(*, actor: Actor | User) -> str:
    """A new secret for the member's calendar feed (the old address stops working); only its hash is kept."""
    actor = as_actor(actor)
    if not actor.is_authenticated:
        raise Forbidden(_("Log in first."))
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(user=actor.member, defaults={"token_hash": hash_token(token)})
    return token


@transaction.atomic
def stop_feed(*, actor: Actor | User) -> None:
    actor = as_actor(actor)
    if not actor.is_authenticated:
        raise Forbidden(_("Log in first."))
    CalendarFeed.objects.filter(user=actor.member).delete()


# --- reminders -------------------------------------------------------------------------------------

REMIND_BEFORE = dt.timedelta(hours=24)


@transaction.atomic
def send_reminders(*, now: dt.datetime | None = None) -> int:
    """Meetings that start within a day: one reminder to everyone coming or on "maybe", once per
    meeting (a moved meeting is reminded again). Run hourly (``manage.py meetings_reminders``);
    the ``meeting_reminder`` preferences decide app, mail or push."""
    now = now or timezone.now()
    sent = 0
    soon = Meeting.objects.select_for_update().filter(
        state=MeetingState.SCHEDULED, reminded_at__isnull=True, starts_at__gt=now, starts_at__lte=now + REMIND_BEFORE
    )
    for meeting in soon:
        ids = list(
            Rsvp.objects.filter(meeting=meeting, answer__in=[Answer.GOING, Answer.MAYBE]).values_list(
                "user_id", flat=True
            )
        )
        if ids:
            with override(settings.LANGUAGE_CODE):
                when = formats.date_format(timezone.localtime(meeting.starts_at), "DATETIME_FORMAT")
                text = _("Reminder: “%(title)s” is on %(when)s.") % {"title": meeting.title, "when": when}
            notifications.notify(
                recipients=ids,
                kind=NotificationKind.MEETING_REMINDER,
                url=meeting.get_absolute_url(),
                text=text[:300],
                community_id=meeting.community_id,
                ref=f"meeting:{meeting.pk}",
            )
            sent += len(ids)
        meeting.reminded_at = now
        meeting.save(update_fields=["reminded_at"])
    return sent
