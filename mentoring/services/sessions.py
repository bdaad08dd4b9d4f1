"""Sessions, each side's reflections on them, and the programme's check-ins."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts.models import User
from core.errors import Conflict, Invalid
from core.mail import mail_language, queue_mail
from core.text import check_text
from mentoring import calendar
from mentoring.models import (
    CheckIn,
    Mode,
    Reflection,
    Relationship,
    Session,
    SessionState,
    Status,
)
from mentoring.services._checks import locked, require_party, require_status, schedule_checkin
from mentoring.services.notifications import notify_partner
from notifications.models import NotificationKind


@dataclass(frozen=True)
class ReflectionInput:
    went_well: str = ""
    ran_into: str = ""
    learning_points: str = ""
    shared: bool = False

    def is_empty(self) -> bool:
        return not (self.went_well.strip() or self.ran_into.strip() or self.learning_points.strip())


@transaction.atomic
def log_session(
    *,
    actor: User,
    relationship: Relationship,
    held_on: date,
    mode: str,
    shared_notes: str = "",
    reflection: ReflectionInput | None = None,
) -> Session:
    relationship = locked(relationship)
    require_party(actor, relationship)
    require_status(relationship, Status.ACTIVE)
    if held_on > timezone.localdate() + timedelta(days=1):
        raise Invalid(_("Log a session once it has taken place."), field="held_on")
    if mode not in Mode.values:
        raise Invalid(_("Choose how you met."), field="mode")
    session = Session.objects.create(
        relationship=relationship, held_on=held_on, mode=mode, shared_notes=shared_notes.strip(), logged_by=actor
    )
    if reflection is not None and not reflection.is_empty():
        _write_reflection(session=session, author=actor, data=reflection)
    notify_partner(
        actor=actor,
        relationship=relationship,
        kind=NotificationKind.SESSION,
        text=_("%(name)s logged your session; add your own reflection.") % {"name": actor.display_name},
    )
    return session


def _write_reflection(*, session: Session, author: User, data: ReflectionInput) -> Reflection:
    reflection, _created = Reflection.objects.update_or_create(
        session=session,
        author=author,
        defaults={
            "went_well": data.went_well.strip(),
            "ran_into": data.ran_into.strip(),
            "learning_points": data.learning_points.strip(),
            "shared": data.shared,
        },
    )
    return reflection


@transaction.atomic
def save_reflection(*, actor: User, session: Session, data: ReflectionInput) -> Reflection:
    relationship = locked(session.relationship)
    require_party(actor, relationship)
    require_status(relationship, Status.ACTIVE, Status.PAUSED, Status.COMPLETED)
    if data.is_empty():
        raise Invalid(_("Answer at least one of the questions."), code="empty")
    return _write_reflection(session=session, author=actor, data=data)


@transaction.atomic
def complete_checkin(*, actor: User, checkin: CheckIn, note: str) -> CheckIn:
    relationship = locked(checkin.relationship)
    require_party(actor, relationship)
    require_status(relationship, Status.ACTIVE, Status.PAUSED)
    checkin = CheckIn.objects.select_for_update().get(pk=checkin.pk)
    if checkin.completed_at is not None:
        raise Conflict(_("This check-in is done already."), code="done")
    checkin.completed_at = timezone.now()
    checkin.completed_by = actor
    checkin.note = note.strip()
    checkin.save(update_fields=["completed_at", "completed_by", "note"])
    schedule_checkin(relationship, after=max(checkin.due_on, timezone.localdate()))
    return checkin


# --- Planned sessions ------------------------------------------------------------------------


def _check_plan(*, starts_at: datetime, duration_minutes: int, place: str, video_url: str, mode: str) -> None:
    if timezone.is_naive(starts_at):
        raise Invalid(_("Give the time in Europe/Amsterdam."), field="starts_at")
    if starts_at < timezone.now():
        raise Invalid(_("Plan a session in the future."), field="starts_at")
    if not 5 <= duration_minutes <= 480:
        raise Invalid(_("A session lasts between 5 minutes and 8 hours."), field="duration_minutes")
    if mode not in Mode.values:
        raise Invalid(_("Choose how you meet."), field="mode")
    check_text(place, field="place")
    if video_url and urlsplit(video_url).scheme != "https":
        raise Invalid(_("A video link starts with https://."), field="video_url")
    if mode in (Mode.IN_PERSON, Mode.BOTH) and not place.strip():
        raise Invalid(_("Say where you meet."), field="place")
    if mode in (Mode.ONLINE, Mode.BOTH) and not video_url:
        raise Invalid(_("Give the video link for meeting online."), field="video_url")


def _mail_invitation(session: Session, *, method: str) -> None:
    """The calendar invitation (or its cancellation) to both, after commit, through the mail queue."""
    ics = calendar.session_ics(session, method=method).decode()
    rel = session.relationship
    for person in (rel.person_a, rel.person_b):
        if person is None or not person.email:
            continue
        language = mail_language(person)
        partner = rel.partner_of(person.pk)
        with override(language):
            context = {
                "name": person.display_name,
                "partner": partner.display_name if partner else _("former member"),
                "when": formats.date_format(timezone.localtime(session.starts_at), "DATETIME_FORMAT"),
                "place": session.place,
                "video_url": session.video_url,
                "cancelled": method == calendar.CANCEL,
                "url": rel.get_absolute_url(),
            }
        queue_mail(
            to=person.email,
            template="mentoring/mail/session_invitation",
            context=context,
            language=language,
            attachments=[["sessie.ics", ics, f"text/calendar; method={method}; charset=utf-8"]],
        )


@transaction.atomic
def plan_session(
    *,
    actor: User,
    relationship: Relationship,
    starts_at: datetime,
    duration_minutes: int = 60,
    mode: str = Mode.ONLINE,
    place: str = "",
    video_url: str = "",
) -> Session:
    """Plan the next session: both get a calendar invitation and, the day before, a reminder."""
    relationship = locked(relationship)
    require_party(actor, relationship)
    require_status(relationship, Status.AGREEING, Status.ACTIVE)
    _check_plan(starts_at=starts_at, duration_minutes=duration_minutes, place=place, video_url=video_url, mode=mode)
    session = Session.objects.create(
        relationship=relationship,
        state=SessionState.PLANNED,
        starts_at=starts_at,
        held_on=timezone.localtime(starts_at).date(),
        duration_minutes=duration_minutes,
        mode=mode,
        place=place.strip(),
        video_url=video_url,
        logged_by=actor,
    )
    session.ical_uid = calendar.new_uid(session.pk)
    session.save(update_fields=["ical_uid"])
    _mail_invitation(session, method=calendar.REQUEST)
    notify_partner(
        actor=actor,
        relationship=relationship,
        kind=NotificationKind.SESSION,
        text=_("%(name)s planned a session on %(when)s.")
        % {"name": actor.display_name, "when": formats.date_format(timezone.localtime(starts_at), "DATETIME_FORMAT")},
    )
    return session


def _planned(actor: User, session: Session) -> tuple[Session, Relationship]:
    relationship = locked(session.relationship)
    require_party(actor, relationship)
    session = Session.objects.select_for_update().get(pk=session.pk)
    session.relationship = relationship
    if session.state != SessionState.PLANNED:
        raise Conflict(_("Only a planned session can be changed."), code="status")
    return session, relationship


@transaction.atomic
def reschedule_session(
    *,
    actor: User,
    session: Session,
    starts_at: datetime,
    duration_minutes: int,
    mode: str,
    place: str = "",
    video_url: str = "",
) -> Session:
    """Move a planned session: the same invitation (UID) with SEQUENCE + 1 replaces the old one."""
    session, relationship = _planned(actor, session)
    _check_plan(starts_at=starts_at, duration_minutes=duration_minutes, place=place, video_url=video_url, mode=mode)
    session.starts_at = starts_at
    session.held_on = timezone.localtime(starts_at).date()
    session.duration_minutes = duration_minutes
    session.mode = mode
    session.place = place.strip()
    session.video_url = video_url
    session.ical_sequence += 1
    session.reminded_at = None
    session.save()
    _mail_invitation(session, method=calendar.REQUEST)
    notify_partner(
        actor=actor,
        relationship=relationship,
        kind=NotificationKind.SESSION,
        text=_("%(name)s moved your session to %(when)s.")
        % {"name": actor.display_name, "when": formats.date_format(timezone.localtime(starts_at), "DATETIME_FORMAT")},
    )
    return session


@transaction.atomic
def cancel_session(*, actor: User, session: Session) -> Session:
    """Call off a planned session: METHOD:CANCEL with SEQUENCE + 1 takes it out of both calendars."""
    session, relationship = _planned(actor, session)
    session.state = SessionState.CANCELLED
    session.ical_sequence += 1
    session.save(update_fields=["state", "ical_sequence"])
    _mail_invitation(session, method=calendar.CANCEL)
    notify_partner(
        actor=actor,
        relationship=relationship,
        kind=NotificationKind.SESSION,
        text=_("%(name)s cancelled your planned session.") % {"name": actor.display_name},
    )
    return session


@transaction.atomic
def mark_session_held(*, actor: User, session: Session, shared_notes: str = "") -> Session:
    """After the meeting: the planned session becomes a held one, ready for reflections."""
    session, relationship = _planned(actor, session)
    require_status(relationship, Status.ACTIVE, Status.PAUSED)
    if session.starts_at is not None and session.starts_at > timezone.now():
        raise Conflict(_("Mark a session as held once it has taken place."), code="future")
    session.state = SessionState.HELD
    session.shared_notes = check_text(shared_notes, field="shared_notes", multiline=True).strip()
    session.save(update_fields=["state", "shared_notes"])
    return session
