"""The .ics of a meeting and the personal feed, read by an independent parser (ical.js on Node):
METHOD, UID, SEQUENCE raised on every change, STATUS:CANCELLED, VALARM, RRULE expanded across the
change to summer time, TZID Europe/Amsterdam with its VTIMEZONE."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from meetings import calendar, services
from meetings.models import Meeting
from tests.meetings.conftest import World, meeting_input

pytestmark = pytest.mark.django_db
AMS = ZoneInfo("Europe/Amsterdam")
Peer = Callable[[bytes], dict[str, Any]]


def test_one_meeting_its_changes_and_its_cancellation(world: World, ical_peer: Peer) -> None:
    first = ical_peer(calendar.meeting_ics(world.meeting))
    assert first["method"] == "PUBLISH" and first["timezones"] == ["Europe/Amsterdam"]
    [event] = first["events"]
    assert event["uid"] == calendar.uid_of(world.meeting)
    assert event["sequence"] == 0 and event["status"] == "CONFIRMED"
    assert event["timezone"] == "Europe/Amsterdam"
    assert event["start"] == world.meeting.starts_at.astimezone(dt.UTC).isoformat().replace("+00:00", ".000Z")
    assert event["summary"] == "Kringavond warmtepompen" and event["location"] == "Zwolle"
    assert event["alarms"] == [{"action": "DISPLAY", "trigger": "-PT1H"}]
    assert event["rrule"] is None and event["occurrences"] == []

    moved = services.edit_meeting(
        actor=world.facilitator,
        meeting=world.meeting,
        data=meeting_input(place="Deventer", video_url="https://meet.example.test/kring"),
    )
    [changed] = ical_peer(calendar.meeting_ics(moved))["events"]
    assert changed["uid"] == event["uid"] and changed["sequence"] == 1
    assert changed["location"] == "Deventer, https://meet.example.test/kring"

    cancelled = services.cancel_meeting(actor=world.facilitator, meeting=moved)
    [gone] = ical_peer(calendar.meeting_ics(cancelled))["events"]
    assert gone["uid"] == event["uid"] and gone["sequence"] == 2
    assert gone["status"] == "CANCELLED" and gone["alarms"] == []


def test_a_recurring_meeting_keeps_its_local_time_over_summer_time(world: World, ical_peer: Peer) -> None:
    start = dt.datetime(2027, 3, 18, 19, 0, tzinfo=AMS)  # summer time starts on 28 March 2027
    meeting = services.create_meeting(
        actor=world.facilitator,
        community=world.community,
        data=meeting_input(starts_at=start, ends_at=start + dt.timedelta(hours=2), recurrence="weekly", occurrences=4),
    )
    [event] = ical_peer(calendar.meeting_ics(meeting))["events"]
    assert event["rrule"] == "FREQ=WEEKLY;COUNT=4"
    assert event["occurrences"] == [
        "2027-03-18T18:00:00.000Z",
        "2027-03-25T18:00:00.000Z",
        "2027-04-01T17:00:00.000Z",  # still 19:00 in Amsterdam
        "2027-04-08T17:00:00.000Z",
    ]
    biweekly = services.create_meeting(
        actor=world.facilitator,
        community=world.community,
        data=meeting_input(
            starts_at=start, ends_at=start + dt.timedelta(hours=1), recurrence="biweekly", occurrences=2
        ),
    )
    assert ical_peer(calendar.meeting_ics(biweekly))["events"][0]["rrule"] == "FREQ=WEEKLY;COUNT=2;INTERVAL=2"


def test_the_personal_feed_behind_its_secret(world: World, ical_peer: Peer, client: Client) -> None:
    anna, bram, *_ = world.members
    second = services.create_meeting(actor=world.facilitator, community=world.community, data=meeting_input(
        title="Excursie", recurrence="monthly", occurrences=3))  # fmt: skip
    declined = services.create_meeting(actor=world.facilitator, community=world.community, data=meeting_input(
        title="Niet voor mij"))  # fmt: skip
    services.rsvp(actor=anna, meeting=declined, answer="not_going")
    services.cancel_meeting(actor=world.facilitator, meeting=second)
    token = services.reset_feed_token(actor=anna)

    response = client.get(f"/bijeenkomsten/agenda/{token}.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    feed = ical_peer(response.content)
    assert feed["method"] == "PUBLISH" and feed["timezones"] == ["Europe/Amsterdam"]
    by_title = {e["summary"]: e for e in feed["events"]}
    assert set(by_title) == {"Kringavond warmtepompen", "Excursie"}  # not the one she declined
    assert by_title["Excursie"]["status"] == "CANCELLED" and by_title["Excursie"]["sequence"] == 1
    assert by_title["Excursie"]["rrule"] == "FREQ=MONTHLY;COUNT=3"
    assert len(by_title["Excursie"]["occurrences"]) == 3

    # A wrong or reset secret finds nothing; someone else's feed has only their own communities.
    assert client.get("/bijeenkomsten/agenda/niet-geheim.ics").status_code == 404
    services.reset_feed_token(actor=anna)
    assert client.get(f"/bijeenkomsten/agenda/{token}.ics").status_code == 404
    outsider_token = services.reset_feed_token(actor=world.outsider)
    assert ical_peer(client.get(f"/bijeenkomsten/agenda/{outsider_token}.ics").content)["events"] == []
    del bram


def test_the_download_needs_a_member(world: World, ical_peer: Peer, client: Client) -> None:
    url = f"/bijeenkomsten/{world.meeting.pk}/bijeenkomst.ics"
    client.force_login(world.outsider)
    assert client.get(url).status_code == 404
    client.force_login(world.members[0])
    response = client.get(url)
    assert response.status_code == 200
    assert ical_peer(response.content)["events"][0]["uid"] == calendar.uid_of(Meeting.objects.get(pk=world.meeting.pk))
