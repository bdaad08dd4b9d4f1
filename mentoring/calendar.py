"""A planned session as an iCalendar invitation (RFC 5545, with the ``icalendar`` package).

The UID stays the same for the life of a session; each change raises SEQUENCE, so calendar
programs replace the earlier version (METHOD:REQUEST) or remove it (METHOD:CANCEL).
"""

from __future__ import annotations

from datetime import timedelta

import icalendar
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from core.ical import TIMEZONE, amsterdam_vtimezone
from core.mail import absolute_url, site_hostname
from mentoring.models import Session, SessionState

REQUEST = "REQUEST"
CANCEL = "CANCEL"
MIMETYPE = "text/calendar; charset=utf-8"


def new_uid(session_id: int) -> str:
    return f"kring-mentoring-session-{session_id}@{site_hostname()}"


def session_ics(session: Session, *, method: str | None = None) -> bytes:
    """The session as a calendar with one event; a cancelled session answers METHOD:CANCEL."""
    if session.starts_at is None:
        raise ValueError("only a planned session has a calendar entry")
    method = method or (CANCEL if session.state == SessionState.CANCELLED else REQUEST)
    rel = session.relationship
    people = [p for p in (rel.person_a, rel.person_b) if p is not None]
    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//{settings.SITE_NAME}//Mentoring//NL")
    calendar.add("version", "2.0")
    calendar.add("method", method)
    calendar.add("calscale", "GREGORIAN")
    event = icalendar.Event()
    event.add("uid", session.ical_uid or new_uid(session.pk))
    event.add("sequence", session.ical_sequence)
    event.add("dtstamp", timezone.now())
    start = session.starts_at.astimezone(TIMEZONE)
    event.add("dtstart", start)
    event.add("dtend", start + timedelta(minutes=session.duration_minutes))
    names = " & ".join(p.display_name for p in people)
    event.add("summary", _("Mentoring session: %(names)s") % {"names": names})
    url = absolute_url(rel.get_absolute_url())
    description = [_("Your two-way mentoring session."), url]
    if session.video_url:
        description.insert(1, _("Video link: %(url)s") % {"url": session.video_url})
    event.add("description", "\n".join(description))
    location = session.place or session.video_url
    if location:
        event.add("location", location)
    event.add("url", session.video_url or url)
    event.add("status", "CANCELLED" if method == CANCEL else "CONFIRMED")
    organizer = session.logged_by or (people[0] if people else None)
    if organizer is not None and organizer.email:
        event.add("organizer", f"mailto:{organizer.email}", parameters={"CN": organizer.display_name})
    for person in people:
        if person.email:
            event.add(
                "attendee",
                f"mailto:{person.email}",
                parameters={"CN": person.display_name, "ROLE": "REQ-PARTICIPANT", "RSVP": "FALSE"},
            )
    # A rule-based zone (core/ical.py): icalendar's generated one put summer sessions an hour off.
    calendar.add_component(amsterdam_vtimezone())
    calendar.add_component(event)
    return calendar.to_ical()
