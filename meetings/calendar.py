"""Meetings as iCalendar (RFC 5545, the ``icalendar`` package): one meeting's .ics and a member's
feed of meetings.

Both are METHOD:PUBLISH. A meeting's UID never changes; every change raises SEQUENCE (kept on the
meeting), so a calendar replaces its earlier copy; a cancelled meeting stays in the feed with
STATUS:CANCELLED and a higher SEQUENCE, so calendars remove it. Times carry TZID Europe/Amsterdam
with its VTIMEZONE; a repeating meeting carries its RRULE; a meeting not cancelled carries an
alarm (VALARM) an hour before.

The VTIMEZONE is rule-based (core/ical.py says why).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

import icalendar
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from core.ical import TIMEZONE, amsterdam_vtimezone
from core.mail import absolute_url, site_hostname
from meetings.models import Meeting, Recurrence

MIMETYPE = "text/calendar; charset=utf-8"
ALARM_BEFORE = timedelta(hours=1)
RRULES: dict[str, dict[str, str | int]] = {
    Recurrence.WEEKLY: {"FREQ": "WEEKLY"},
    Recurrence.BIWEEKLY: {"FREQ": "WEEKLY", "INTERVAL": 2},
    Recurrence.MONTHLY: {"FREQ": "MONTHLY"},
}


def uid_of(meeting: Meeting) -> str:
    return f"kring-meeting-{meeting.pk}@{site_hostname()}"


def vtimezone() -> icalendar.Timezone:
    return amsterdam_vtimezone()


def _calendar(name: str) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//{settings.SITE_NAME}//Meetings//NL")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Amsterdam")
    calendar.add_component(vtimezone())
    return calendar


def event_of(meeting: Meeting) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", uid_of(meeting))
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now())
    event.add("last-modified", meeting.updated_at)
    event.add("dtstart", meeting.starts_at.astimezone(TIMEZONE))
    event.add("dtend", meeting.ends_at.astimezone(TIMEZONE))
    if meeting.recurrence in RRULES and meeting.occurrences:
        event.add("rrule", {**RRULES[meeting.recurrence], "COUNT": meeting.occurrences})
    event.add("summary", meeting.title)
    url = absolute_url(meeting.get_absolute_url())
    description = [meeting.description] if meeting.description else []
    if meeting.video_url:
        description.append(_("Video link: %(url)s") % {"url": meeting.video_url})
    description.append(url)
    event.add("description", "\n\n".join(description))
    location = ", ".join(x for x in (meeting.place, meeting.video_url) if x)
    if location:
        event.add("location", location)
    event.add("url", url)
    event.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
    if not meeting.is_cancelled:
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", meeting.title)
        alarm.add("trigger", -ALARM_BEFORE)
        event.add_component(alarm)
    return event


def meeting_ics(meeting: Meeting) -> bytes:
    calendar = _calendar(meeting.title)
    calendar.add_component(event_of(meeting))
    return bytes(calendar.to_ical())


def feed_ics(meetings: Iterable[Meeting]) -> bytes:
    calendar = _calendar(_("My meetings on %(site)s") % {"site": settings.SITE_NAME})
    for meeting in meetings:
        calendar.add_component(event_of(meeting))
    return bytes(calendar.to_ical())
