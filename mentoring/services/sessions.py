"""Sessions, each side's reflections on them, and the programme's check-ins."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import Conflict, Invalid
from mentoring.models import (
    CheckIn,
    Mode,
    Reflection,
    Relationship,
    Session,
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
