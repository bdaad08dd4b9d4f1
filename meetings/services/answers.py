"""RSVP: the answers (going, maybe, not going), the waiting list and who moves up from it."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts.actor import Actor, as_actor
from accounts.models import User
from core.errors import Conflict, Forbidden, Invalid, NotFound
from meetings import permissions
from meetings.models import Answer, Meeting, Rsvp
from meetings.services._common import _locked
from notifications import services as notifications
from notifications.models import NotificationKind


def _going_count(meeting: Meeting) -> int:
    return Rsvp.objects.filter(meeting=meeting, answer=Answer.GOING).count()


def _has_place(meeting: Meeting) -> bool:
    return meeting.capacity is None or _going_count(meeting) < meeting.capacity


def _promote_waiting(meeting: Meeting) -> list[Rsvp]:
    """Move members up from the waiting list while there are places (the meeting row is locked)."""
    promoted: list[Rsvp] = []
    free = None if meeting.capacity is None else meeting.capacity - _going_count(meeting)
    waiting = Rsvp.objects.filter(meeting=meeting, answer=Answer.WAITING).order_by("answered_at", "pk")
    if free is not None:
        if free <= 0:
            return promoted
        waiting = waiting[:free]
    for rsvp in waiting.select_related("user"):
        rsvp.answer = Answer.GOING
        rsvp.save(update_fields=["answer"])
        promoted.append(rsvp)
    if promoted:
        with override(settings.LANGUAGE_CODE):
            text = _("A place came free: you are now on the list for “%(title)s”.") % {"title": meeting.title}
        notifications.notify(
            recipients=[r.user_id for r in promoted],
            kind=NotificationKind.MEETING_REMINDER,
            url=meeting.get_absolute_url(),
            text=text,
            ref=f"meeting:{meeting.pk}",
        )
    return promoted


@transaction.atomic
def rsvp(*, actor: Actor | User, meeting: Meeting, answer: str) -> Rsvp:
    """Answer "going", "maybe" or "not_going". "going" without a free place is stored as "waiting";
    answering "going" again keeps one's place in the list (or on the waiting list)."""
    actor = as_actor(actor)
    if answer not in {Answer.GOING, Answer.MAYBE, Answer.NOT_GOING}:
        raise Invalid(_("Choose: I'm coming, maybe, or I'm not coming."), field="answer")
    meeting = _locked(meeting)
    if not permissions.can_see(actor, meeting):
        raise NotFound(_("This meeting does not exist."))
    if not permissions.can_take_part(actor, meeting.community):
        raise Forbidden(_("Join the community first to answer."))
    if meeting.is_cancelled:
        raise Conflict(_("This meeting is cancelled."), code="meeting_cancelled")
    if meeting.ends_at <= timezone.now():
        raise Conflict(_("This meeting is over."), code="meeting_over")
    current = Rsvp.objects.filter(meeting=meeting, user=actor.member).first()
    now = timezone.now()
    if current is not None and answer == Answer.GOING and current.answer in {Answer.GOING, Answer.WAITING}:
        return current
    stored = answer
    if answer == Answer.GOING and not _has_place(meeting):
        stored = Answer.WAITING
    if current is None:
        current = Rsvp.objects.create(meeting=meeting, user=actor.member, answer=stored, answered_at=now)
    else:
        was_going = current.answer == Answer.GOING
        current.answer = stored
        current.answered_at = now
        current.save(update_fields=["answer", "answered_at"])
        if was_going and stored != Answer.GOING:
            _promote_waiting(meeting)
    return current


@transaction.atomic
def withdraw_rsvp(*, actor: Actor | User, meeting: Meeting) -> bool:
    """Take one's answer back (no answer, as before answering); a place it frees goes to the first
    on the waiting list. Without an answer nothing happens (answers False): calling twice is safe."""
    actor = as_actor(actor)
    meeting = _locked(meeting)
    if not permissions.can_see(actor, meeting):
        raise NotFound(_("This meeting does not exist."))
    current = Rsvp.objects.filter(meeting=meeting, user_id=actor.member_id).first() if actor.is_authenticated else None
    if current is None:
        return False
    if meeting.is_cancelled:
        raise Conflict(_("This meeting is cancelled."), code="meeting_cancelled")
    if meeting.ends_at <= timezone.now():
        raise Conflict(_("This meeting is over."), code="meeting_over")
    was_going = current.answer == Answer.GOING
    current.delete()
    if was_going:
        _promote_waiting(meeting)
    return True
