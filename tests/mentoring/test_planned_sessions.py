"""Sessions planned ahead: an iCalendar invitation to both (read by an independent parser),
reminders, reschedule (SEQUENCE + 1) and cancel (METHOD:CANCEL)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.errors import Conflict, Invalid
from mentoring import services
from mentoring.models import Relationship, SessionState
from notifications.models import Notification, NotificationKind

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def _next_tuesday_at_ten() -> dt.datetime:
    today = timezone.localdate()
    day = today + dt.timedelta(days=(1 - today.weekday()) % 7 or 7)
    return dt.datetime.combine(day, dt.time(10, 0), tzinfo=AMSTERDAM)


def _ics_parts(message: Any) -> list[bytes]:
    return [part.get_payload(decode=True) for part in message.walk() if part.get_content_type() == "text/calendar"]


def test_plan_mails_an_invitation_that_an_independent_parser_reads(
    active_pair: Relationship, client: Client, smtp_server: Any, ical_peer: Any, django_capture_on_commit_callbacks: Any
) -> None:
    rel = active_pair
    sanne = rel.person_a
    starts = _next_tuesday_at_ten()
    client.force_login(sanne)
    form = {
        "date": starts.date().isoformat(),
        "time": "10:00",
        "duration_minutes": "45",
        "mode": "online",
        "place": "",
        "video_url": "https://meet.example.test/sanne-henk",
    }
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(reverse("mentoring:session_plan", args=[rel.pk]), form)
    assert answer.status_code == 302
    session = rel.sessions.get()
    assert session.state == SessionState.PLANNED and session.starts_at == starts

    # Both got the invitation by mail, with the .ics attached.
    mails = smtp_server.messages
    assert sorted(m["To"] for m in mails) == sorted([rel.person_a.email, rel.person_b.email])
    parsed = ical_peer(_ics_parts(mails[0])[0])
    assert parsed["method"] == "REQUEST"
    (event,) = parsed["events"]
    assert event["uid"] == session.ical_uid and event["sequence"] == 0
    assert event["start"] == starts.astimezone(dt.UTC).isoformat().replace("+00:00", ".000Z")
    assert event["end"] == (starts + dt.timedelta(minutes=45)).astimezone(dt.UTC).isoformat().replace("+00:00", ".000Z")
    assert event["timezone"] == "Europe/Amsterdam" and "Europe/Amsterdam" in parsed["timezones"]
    assert event["url"] == "https://meet.example.test/sanne-henk"
    assert sorted(event["attendees"]) == sorted(f"mailto:{p.email}" for p in (rel.person_a, rel.person_b))

    # The same invitation is downloadable from the pair's page.
    page = client.get(reverse("mentoring:relationship", args=[rel.pk])).content.decode()
    assert reverse("mentoring:session_ics", args=[session.pk]) in page
    download = client.get(reverse("mentoring:session_ics", args=[session.pk]))
    assert download["Content-Type"].startswith("text/calendar")
    assert ical_peer(download.content)["events"][0]["uid"] == session.ical_uid

    # Moving it keeps the UID and raises SEQUENCE; cancelling sends METHOD:CANCEL.
    later = starts + dt.timedelta(days=1, hours=4)
    form.update(date=later.date().isoformat(), time="14:00")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("mentoring:session_reschedule", args=[session.pk]), form)
    moved = ical_peer(_ics_parts(smtp_server.messages[-1])[0])["events"][0]
    assert moved["uid"] == session.ical_uid and moved["sequence"] == 1
    assert moved["start"] == later.astimezone(dt.UTC).isoformat().replace("+00:00", ".000Z")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("mentoring:session_cancel", args=[session.pk]))
    cancelled = ical_peer(_ics_parts(smtp_server.messages[-1])[0])
    assert cancelled["method"] == "CANCEL"
    assert cancelled["events"][0]["sequence"] == 2 and cancelled["events"][0]["status"] == "CANCELLED"
    session.refresh_from_db()
    assert session.state == SessionState.CANCELLED


def test_plan_refuses_the_past_and_a_missing_place_or_link(active_pair: Relationship) -> None:
    rel = active_pair
    with pytest.raises(Invalid) as past:
        services.plan_session(
            actor=rel.person_a,
            relationship=rel,
            starts_at=timezone.now() - dt.timedelta(hours=1),
            mode="online",
            video_url="https://meet.example.test/x",
        )
    assert past.value.field == "starts_at"
    with pytest.raises(Invalid) as place:
        services.plan_session(actor=rel.person_a, relationship=rel, starts_at=_next_tuesday_at_ten(), mode="in_person")
    assert place.value.field == "place"
    with pytest.raises(Invalid) as link:
        services.plan_session(
            actor=rel.person_a,
            relationship=rel,
            starts_at=_next_tuesday_at_ten(),
            mode="online",
            video_url="http://insecure.example.test/",
        )
    assert link.value.field == "video_url"


def test_a_reminder_the_day_before_once(active_pair: Relationship) -> None:
    rel = active_pair
    starts = timezone.now() + dt.timedelta(hours=20)
    session = services.plan_session(
        actor=rel.person_a, relationship=rel, starts_at=starts, mode="in_person", place="Bibliotheek Utrecht"
    )
    services.send_reminders()
    services.send_reminders()
    reminders = Notification.objects.filter(kind=NotificationKind.REMINDER)
    assert sorted(n.user_id for n in reminders) == sorted([rel.person_a_id, rel.person_b_id])
    session.refresh_from_db()
    assert session.reminded_at is not None


def test_a_planned_session_becomes_held_after_it_took_place(active_pair: Relationship) -> None:
    rel = active_pair
    session = services.plan_session(
        actor=rel.person_a,
        relationship=rel,
        starts_at=timezone.now() + dt.timedelta(minutes=1),
        mode="in_person",
        place="Het lab",
    )
    with pytest.raises(Conflict):
        services.mark_session_held(actor=rel.person_b, session=session)
    type(session).objects.filter(pk=session.pk).update(starts_at=timezone.now() - dt.timedelta(hours=1))
    session.refresh_from_db()
    services.mark_session_held(actor=rel.person_b, session=session, shared_notes="Goed gesprek.")
    session.refresh_from_db()
    assert session.state == SessionState.HELD


@pytest.mark.parametrize("day", [dt.date(2027, 1, 12), dt.date(2027, 7, 6)])
def test_a_session_in_winter_and_in_summer_keeps_its_hour_in_an_independent_parser(
    active_pair: Relationship, ical_peer: Any, day: dt.date
) -> None:
    """Before: the zone ``icalendar`` generated listed every change of summer time in one RDATE, and
    ical.js reads only its first value, so a summer session came out an hour off."""
    from mentoring.calendar import TIMEZONE, session_ics

    starts = dt.datetime.combine(day, dt.time(10, 0), tzinfo=TIMEZONE)
    session = services.plan_session(
        actor=active_pair.person_a, relationship=active_pair, starts_at=starts, mode="online",
        video_url="https://meet.example.test/a", duration_minutes=60,
    )  # fmt: skip
    (event,) = ical_peer(session_ics(session))["events"]
    assert event["start"] == starts.astimezone(dt.UTC).isoformat().replace("+00:00", ".000Z")
