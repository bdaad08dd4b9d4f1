"""Attendance: recording who was there."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.actor import Actor, as_actor
from accounts.models import User
from core.errors import Conflict, Forbidden, Invalid
from forum.models import Membership, MembershipState
from meetings import permissions
from meetings.models import Attendance, Meeting
from meetings.services._common import _locked


@transaction.atomic
def record_attendance(*, actor: Actor | User, meeting: Meeting, present: Sequence[int]) -> int:
    """Who was there (active members of the community); replaces the earlier record. Returns the count."""
    actor = as_actor(actor)
    meeting = _locked(meeting)
    if not permissions.can_manage(actor, meeting.community):
        raise Forbidden(_("Only the community's facilitators can record who was there."))
    if meeting.is_cancelled:
        raise Conflict(_("This meeting is cancelled."), code="meeting_cancelled")
    if meeting.starts_at > timezone.now():
        raise Conflict(_("You can record who was there once the meeting has started."), code="meeting_not_started")
    wanted = set(present)
    members = set(
        Membership.objects.filter(
            community=meeting.community, state=MembershipState.ACTIVE, user_id__in=wanted
        ).values_list("user_id", flat=True)
    )
    if wanted - members:
        raise Invalid(_("Only members of the community can be recorded as present."), field="present")
    Attendance.objects.filter(meeting=meeting).exclude(user_id__in=members).delete()
    known = set(Attendance.objects.filter(meeting=meeting).values_list("user_id", flat=True))
    Attendance.objects.bulk_create(
        [Attendance(meeting=meeting, user_id=uid, recorded_by=actor.member) for uid in sorted(members - known)]
    )
    return len(members)
