// Reads one iCalendar file on stdin and prints what an independent parser (ical.js) makes of
// it as JSON: the calendar's METHOD and every VEVENT with its main properties. Generic on
// purpose: any Kring feature that sends .ics files (mentoring sessions, meetings) reuses it.
import ICAL from "ical.js";

let input = "";
process.stdin.setEncoding("utf8");
for await (const chunk of process.stdin) input += chunk;

try {
  const calendar = new ICAL.Component(ICAL.parse(input));
  // The calendar's own VTIMEZONEs, as a calendar program uses them: a repeating event keeps its
  // local time over a change to or from summer time.
  for (const vtimezone of calendar.getAllSubcomponents("vtimezone")) {
    ICAL.TimezoneService.register(new ICAL.Timezone(vtimezone));
  }
  const text = (component, name) => component.getFirstPropertyValue(name)?.toString() ?? null;
  const occurrences = (event) => {
    if (!event.isRecurring()) return [];
    const found = [];
    const iterator = event.iterator();
    for (let next = iterator.next(); next && found.length < 60; next = iterator.next()) {
      found.push(next.toJSDate().toISOString());
    }
    return found;
  };
  const events = calendar.getAllSubcomponents("vevent").map((vevent) => {
    const event = new ICAL.Event(vevent);
    return {
      uid: event.uid,
      sequence: event.sequence,
      summary: event.summary,
      description: event.description,
      location: event.location,
      url: text(vevent, "url"),
      status: text(vevent, "status"),
      start: event.startDate?.toJSDate().toISOString() ?? null,
      end: event.endDate?.toJSDate().toISOString() ?? null,
      timezone: vevent.getFirstProperty("dtstart")?.getParameter("tzid") ?? null,
      organizer: text(vevent, "organizer"),
      attendees: vevent.getAllProperties("attendee").map((p) => p.getFirstValue().toString()),
      rrule: text(vevent, "rrule"),
      alarms: vevent.getAllSubcomponents("valarm").map((alarm) => ({
        action: text(alarm, "action"),
        trigger: text(alarm, "trigger"),
      })),
      // A repeating event's first occurrences (at most 60), as the parser expands its RRULE.
      occurrences: occurrences(event),
    };
  });
  process.stdout.write(
    JSON.stringify({
      method: text(calendar, "method"),
      prodid: text(calendar, "prodid"),
      version: text(calendar, "version"),
      timezones: calendar.getAllSubcomponents("vtimezone").map((tz) => text(tz, "tzid")),
      events,
    }),
  );
} catch (error) {
  process.stderr.write(`ical parse error: ${error.message}\n`);
  process.exit(2);
}
