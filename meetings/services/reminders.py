"""Reminders: one notice a day ahead to who comes or maybe (``manage.py meetings_reminders``)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from meetings.models import Answer, Meeting, MeetingState, Rsvp
from notifications import services as notifications
from notifications.models import NotificationKind

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
