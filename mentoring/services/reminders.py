"""Reminders, run daily (``manage.py mentoring_reminders``): check-ins due and quiet pairs."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from mentoring.models import (
    CheckIn,
    Relationship,
    Session,
    SessionState,
    Status,
)
from mentoring.services.notifications import notify, ref_of
from notifications.models import Notification, NotificationKind


@transaction.atomic
def send_reminders(*, today: date | None = None) -> int:
    """Check-ins due (each reminded once), and a nudge to pairs without a session in the
    last 30 days (at most one nudge a month)."""
    today = today or timezone.localdate()
    now = timezone.now()
    sent = 0
    due = (
        # Lock only the check-ins: the people are a nullable (outer) join since SET_NULL,
        # and PostgreSQL cannot lock the nullable side of an outer join.
        CheckIn.objects.select_for_update(of=("self",))
        .filter(
            due_on__lte=today, completed_at__isnull=True, reminded_at__isnull=True, relationship__status=Status.ACTIVE
        )
        .select_related("relationship__person_a", "relationship__person_b")
    )
    for checkin in due:
        rel = checkin.relationship
        for person in (rel.person_a, rel.person_b):
            with override(settings.LANGUAGE_CODE):
                notify(
                    user=person,
                    kind=NotificationKind.CHECKIN,
                    relationship=rel,
                    text=_("A check-in on your pair is due: tell your coordinator how it is going."),
                )
            sent += 1
        checkin.reminded_at = now
        checkin.save(update_fields=["reminded_at"])
    sent += _remind_planned_sessions(now=now)
    quiet_since = today - timedelta(days=30)
    quiet = (
        Relationship.objects.filter(status=Status.ACTIVE, activated_at__date__lte=quiet_since)
        .exclude(sessions__held_on__gte=quiet_since)
        .select_related("person_a", "person_b")
    )
    for rel in quiet:
        for person in (rel.person_a, rel.person_b):
            if Notification.objects.filter(
                user=person,
                ref=ref_of(rel),
                kind=NotificationKind.REMINDER,
                created_at__gte=now - timedelta(days=30),
            ).exists():
                continue
            with override(settings.LANGUAGE_CODE):
                notify(
                    user=person,
                    kind=NotificationKind.REMINDER,
                    relationship=rel,
                    text=_("It has been a month since your last session: time to plan the next one?"),
                )
            sent += 1
    return sent


REMIND_BEFORE = timedelta(hours=24)


def _remind_planned_sessions(*, now: datetime) -> int:
    """A session planned in the next day: a reminder to both, once (a move resets it)."""
    sent = 0
    soon = (
        Session.objects.select_for_update(of=("self",))
        .filter(
            state=SessionState.PLANNED,
            reminded_at__isnull=True,
            starts_at__gt=now,
            starts_at__lte=now + REMIND_BEFORE,
            relationship__status__in=[Status.AGREEING, Status.ACTIVE],
        )
        .select_related("relationship__person_a", "relationship__person_b")
    )
    for session in soon:
        rel = session.relationship
        assert session.starts_at is not None
        for person in (rel.person_a, rel.person_b):
            with override(settings.LANGUAGE_CODE):
                when = formats.date_format(timezone.localtime(session.starts_at), "DATETIME_FORMAT")
                notify(
                    user=person,
                    kind=NotificationKind.REMINDER,
                    relationship=rel,
                    text=_("Reminder: your mentoring session is on %(when)s.") % {"when": when},
                )
            sent += 1
        session.reminded_at = now
        session.save(update_fields=["reminded_at"])
    return sent
