"""Europe/Amsterdam for iCalendar files (mentoring sessions, meetings).

The VTIMEZONE is written by hand with the EU's yearly rules (last Sunday of March and of
October, in force since 1996), as Outlook and Google write theirs: ``icalendar``'s generated one
(``add_missing_timezones``) lists every transition in one RDATE property, and ical.js
(tests/peers/ical) reads only the first value of an RDATE, so it put every summer event an hour
off. A rule-based zone is read alike everywhere.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar

TIMEZONE = ZoneInfo("Europe/Amsterdam")


def amsterdam_vtimezone() -> icalendar.Timezone:
    """Europe/Amsterdam with the EU's yearly rules (see the module's docstring)."""
    zone = icalendar.Timezone()
    zone.add("tzid", "Europe/Amsterdam")
    zone.add("x-lic-location", "Europe/Amsterdam")
    for part, name, start, before, after, month in (
        (icalendar.TimezoneDaylight(), "CEST", datetime(1996, 3, 31, 2, 0), 1, 2, 3),
        (icalendar.TimezoneStandard(), "CET", datetime(1996, 10, 27, 3, 0), 2, 1, 10),
    ):
        part.add("tzname", name)
        part.add("dtstart", start)
        part.add("tzoffsetfrom", timedelta(hours=before))
        part.add("tzoffsetto", timedelta(hours=after))
        part.add("rrule", {"FREQ": "YEARLY", "BYMONTH": month, "BYDAY": "-1SU"})
        zone.add_component(part)
    return zone
