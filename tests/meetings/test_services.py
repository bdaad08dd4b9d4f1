"""Meetings' services: capacity and the waiting list, permissions, the agenda, tables, minutes,
attendance, and bad input as clear errors (never a database error)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.errors import Conflict, Forbidden, Invalid, NotFound
from meetings import selectors, services
from meetings.models import Answer, Attendance, Meeting, MeetingState, Rsvp
from notifications.models import Notification, NotificationKind
from tests.meetings.conftest import World, meeting_input, next_week

pytestmark = pytest.mark.django_db


def test_capacity_fills_then_the_waiting_list_moves_up(world: World) -> None:
    anna, bram, cas, dirk = world.members
    assert services.rsvp(actor=anna, meeting=world.meeting, answer="going").answer == Answer.GOING
    assert services.rsvp(actor=bram, meeting=world.meeting, answer="going").answer == Answer.GOING
    assert services.rsvp(actor=cas, meeting=world.meeting, answer="going").answer == Answer.WAITING
    assert services.rsvp(actor=dirk, meeting=world.meeting, answer="going").answer == Answer.WAITING
    # Answering "going" again keeps one's place in the queue.
    assert services.rsvp(actor=cas, meeting=world.meeting, answer="going").answer == Answer.WAITING
    # Anna cannot come after all: the first on the waiting list (Cas) gets her place and is told.
    services.rsvp(actor=anna, meeting=world.meeting, answer="not_going")
    answers = dict(Rsvp.objects.filter(meeting=world.meeting).values_list("user__profile__display_name", "answer"))
    assert answers == {"Anna": "not_going", "Bram": "going", "Cas": "going", "Dirk": "waiting"}
    told = Notification.objects.filter(user=cas, kind=NotificationKind.MEETING_REMINDER)
    assert told.count() == 1 and world.meeting.get_absolute_url() in told.get().url
    # More places: Dirk moves up too.
    services.edit_meeting(actor=world.facilitator, meeting=world.meeting, data=meeting_input(capacity=5))
    assert Rsvp.objects.get(meeting=world.meeting, user=dirk).answer == Answer.GOING


def test_one_answer_per_member_in_the_database(world: World) -> None:
    anna = world.members[0]
    services.rsvp(actor=anna, meeting=world.meeting, answer="maybe")
    with pytest.raises(IntegrityError), transaction.atomic():
        Rsvp.objects.create(meeting=world.meeting, user=anna, answer="going", answered_at=timezone.now())


@pytest.mark.parametrize(
    ("field", "values"),
    [
        ("ends_at", {"ends_at": next_week()[0] - dt.timedelta(minutes=1)}),
        ("title", {"title": "   "}),
        ("place", {"place": "", "video_url": ""}),
        ("video_url", {"video_url": "javascript:alert(1)"}),
        ("capacity", {"capacity": 0}),
        ("occurrences", {"recurrence": "weekly", "occurrences": None}),
        ("occurrences", {"recurrence": "weekly", "occurrences": 500}),
        ("recurrence", {"recurrence": "yearly"}),
        ("title", {"title": "bad\x00title"}),
    ],
)
def test_bad_meetings_are_refused_at_their_field(world: World, field: str, values: dict[str, Any]) -> None:
    with pytest.raises(Invalid) as refused:
        services.create_meeting(actor=world.facilitator, community=world.community, data=meeting_input(**values))
    assert refused.value.field == field


def test_database_constraints_hold_without_the_service(world: World) -> None:
    start, end = next_week()
    base = {"community": world.community, "title": "x", "place": "Zwolle", "starts_at": start, "ends_at": end}
    for broken in ({"ends_at": start}, {"capacity": 0}, {"place": ""}, {"recurrence": "weekly"}, {"title": ""}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Meeting.objects.create(**{**base, **broken})


def test_who_may_do_what(world: World) -> None:
    anna = world.members[0]
    with pytest.raises(Forbidden):
        services.create_meeting(actor=anna, community=world.community, data=meeting_input())
    with pytest.raises(Forbidden):
        services.cancel_meeting(actor=anna, meeting=world.meeting)
    with pytest.raises(Forbidden):
        services.split_into_tables(actor=anna, meeting=world.meeting, size=4)
    with pytest.raises(Forbidden):
        services.write_minutes(actor=anna, meeting=world.meeting, body="x")
    # An outsider of an invite-only community does not even learn that the meeting exists.
    with pytest.raises(NotFound):
        services.rsvp(actor=world.outsider, meeting=world.meeting, answer="going")
    with pytest.raises(NotFound):
        selectors.meeting_for(actor=world.outsider, meeting_id=world.meeting.pk)
    with pytest.raises(NotFound):
        services.add_agenda_item(actor=world.outsider, meeting=world.meeting, title="Ik wil ook")
    with pytest.raises(Invalid):
        services.rsvp(actor=anna, meeting=world.meeting, answer="perhaps")


def test_cancel_raises_the_sequence_and_stops_answers(world: World) -> None:
    before = world.meeting.sequence
    services.edit_meeting(actor=world.facilitator, meeting=world.meeting, data=meeting_input(title="Nieuwe titel"))
    services.rsvp(actor=world.members[1], meeting=world.meeting, answer="maybe")
    services.rsvp(actor=world.members[2], meeting=world.meeting, answer="not_going")
    cancelled = services.cancel_meeting(actor=world.facilitator, meeting=world.meeting)
    assert cancelled.state == MeetingState.CANCELLED and cancelled.sequence == before + 2
    told = Notification.objects.filter(kind=NotificationKind.MEETING_REMINDER, text__contains="is afgezegd")
    assert list(told.values_list("user_id", flat=True)) == [world.members[1].pk]
    with pytest.raises(Conflict):
        services.rsvp(actor=world.members[0], meeting=world.meeting, answer="going")
    with pytest.raises(Conflict):
        services.cancel_meeting(actor=world.facilitator, meeting=world.meeting)


def test_agenda_from_a_message(world: World, make_user: Any) -> None:
    from forum import services as forum_services

    item = services.add_message_to_agenda(actor=world.members[1], meeting=world.meeting, message=world.message)
    assert item.source_message == world.message and "subsidieregeling" in item.title
    with pytest.raises(Conflict):
        services.add_message_to_agenda(actor=world.members[2], meeting=world.meeting, message=world.message)
    # A message from another community cannot go on this agenda (it could leak what others cannot read).
    other = forum_services.create_community(
        actor=world.members[1], name="Andere kring", kind="hub", description="x", waaromvraag="y"
    )
    topic = forum_services.create_topic(actor=world.members[1], room=other.rooms.get(), title="Elders")
    elsewhere = forum_services.post_message(actor=world.members[1], topic=topic, body="Hier", client_id=uuid.uuid4())
    with pytest.raises(Invalid) as refused:
        services.add_message_to_agenda(actor=world.members[1], meeting=world.meeting, message=elsewhere)
    assert refused.value.field == "message"
    plain = services.add_agenda_item(actor=world.members[2], meeting=world.meeting, title="  Rondvraag  ")
    assert plain.title == "Rondvraag" and plain.position == item.position + 1
    with pytest.raises(Forbidden):
        services.remove_agenda_item(actor=world.members[3], item=plain)
    services.remove_agenda_item(actor=world.members[2], item=plain)


def test_tables_seat_everyone_coming_and_can_be_adjusted(world: World) -> None:
    services.edit_meeting(actor=world.facilitator, meeting=world.meeting, data=meeting_input(capacity=None))
    for member in world.members:
        services.rsvp(actor=member, meeting=world.meeting, answer="going")
    split = services.split_into_tables(actor=world.facilitator, meeting=world.meeting, size=2)
    assert sorted(len(t) for t in split) == [2, 2]
    assert sorted(uid for t in split for uid in t) == sorted(m.pk for m in world.members)
    moved = services.move_to_table(actor=world.facilitator, meeting=world.meeting, user_id=split[0][0], table=3)
    assert moved.table == 3
    with pytest.raises(Invalid):
        services.move_to_table(actor=world.facilitator, meeting=world.meeting, user_id=split[0][1], table=9)
    with pytest.raises(Invalid):
        services.split_into_tables(actor=world.facilitator, meeting=world.meeting, size=1)


def test_minutes_are_posted_in_the_room_and_proposed_as_a_draft_lesson(world: World) -> None:
    from knowledge_base.models import LessonPage

    anna = world.members[0]
    with pytest.raises(Conflict):
        services.post_minutes(actor=world.facilitator, meeting=world.meeting)
    services.write_minutes(
        actor=world.facilitator,
        meeting=world.meeting,
        body="We spraken over subsidie.",
        decisions=["We vragen subsidie aan", ""],
        actions=[services.ActionInput(text="Formulier invullen", owner=anna, due_on=dt.date(2027, 1, 15))],
    )
    with pytest.raises(Invalid):
        services.write_minutes(
            actor=world.facilitator,
            meeting=world.meeting,
            body="x",
            actions=[services.ActionInput(text="Doen", owner=world.outsider)],
        )
    with pytest.raises(Conflict):
        services.propose_minutes_as_lesson(actor=world.facilitator, meeting=world.meeting)
    topic = services.post_minutes(actor=world.facilitator, meeting=world.meeting)
    assert topic.room == world.room
    body = topic.messages.get().body
    assert "We vragen subsidie aan" in body and "Formulier invullen (Anna" in body
    # Posting again after a change adds a message to the same topic.
    assert services.post_minutes(actor=world.facilitator, meeting=world.meeting) == topic
    assert topic.messages.count() == 2
    lesson = services.propose_minutes_as_lesson(actor=world.facilitator, meeting=world.meeting)
    assert isinstance(lesson, LessonPage) and not lesson.live and lesson.origin_topic == topic


def test_attendance_for_the_passport_and_monitoring(world: World) -> None:
    anna, bram, *_rest = world.members
    with pytest.raises(Conflict):  # not started yet
        services.record_attendance(actor=world.facilitator, meeting=world.meeting, present=[anna.pk])
    Meeting.objects.filter(pk=world.meeting.pk).update(
        starts_at=timezone.now() - dt.timedelta(hours=3), ends_at=timezone.now() - dt.timedelta(hours=1)
    )
    with pytest.raises(Invalid):
        services.record_attendance(actor=world.facilitator, meeting=world.meeting, present=[world.outsider.pk])
    assert services.record_attendance(actor=world.facilitator, meeting=world.meeting, present=[anna.pk, bram.pk]) == 2
    assert services.record_attendance(actor=world.facilitator, meeting=world.meeting, present=[bram.pk]) == 1
    assert list(Attendance.objects.values_list("user_id", flat=True)) == [bram.pk]
    rows = selectors.attendance_for(user=bram)
    assert [(r.meeting_id, r.community_id) for r in rows] == [(world.meeting.pk, world.community.pk)]
    assert selectors.attendance_for(community=world.community)[0].user_id == bram.pk


def test_reminders_once_through_the_preferences(world: World) -> None:
    from notifications.models import KindSetting

    anna, bram, cas, _dirk = world.members
    services.rsvp(actor=anna, meeting=world.meeting, answer="going")
    services.rsvp(actor=bram, meeting=world.meeting, answer="maybe")
    services.rsvp(actor=cas, meeting=world.meeting, answer="not_going")
    KindSetting.objects.create(user=bram, kind=NotificationKind.MEETING_REMINDER, app=False, email=False, push=False)
    soon = world.meeting.starts_at - dt.timedelta(hours=2)
    assert services.send_reminders(now=world.meeting.starts_at - dt.timedelta(days=3)) == 0
    assert services.send_reminders(now=soon) == 2
    assert services.send_reminders(now=soon) == 0  # once
    told = set(Notification.objects.filter(kind=NotificationKind.MEETING_REMINDER).values_list("user_id", flat=True))
    assert told == {anna.pk}  # Bram turned this kind off; Cas is not coming


def test_feed_token_is_stored_only_as_a_hash(world: World) -> None:
    from meetings.models import CalendarFeed

    anna = world.members[0]
    token = services.reset_feed_token(actor=anna)
    stored = CalendarFeed.objects.get(user=anna)
    assert token not in stored.token_hash and stored.token_hash == services.hash_token(token)
    assert selectors.feed_user(token_hash=services.hash_token(token)) == anna
    again = services.reset_feed_token(actor=anna)
    assert selectors.feed_user(token_hash=services.hash_token(token)) is None
    assert selectors.feed_user(token_hash=services.hash_token(again)) == anna
