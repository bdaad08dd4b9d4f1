"""Tables: splitting who is coming into mixed tables (``meetings.tables``) and moving one by hand."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from accounts.actor import Actor, as_actor
from accounts.models import User
from core.errors import Conflict, Forbidden, Invalid
from meetings import permissions, tables
from meetings.models import Answer, Meeting, Rsvp, Seat
from meetings.services._common import _locked

MAX_TABLE_SIZE = 50


def _attendee_ids(meeting: Meeting) -> list[int]:
    return list(
        Rsvp.objects.filter(meeting=meeting, answer=Answer.GOING)
        .order_by("answered_at", "pk")
        .values_list("user_id", flat=True)
    )


@transaction.atomic
def split_into_tables(*, actor: Actor | User, meeting: Meeting, size: int) -> list[list[int]]:
    """Split who is coming into tables of about ``size`` that mix organisations, sectors and roles
    (``meetings.tables``); replaces an earlier split."""
    actor = as_actor(actor)
    meeting = _locked(meeting)
    if not permissions.can_manage(actor, meeting.community):
        raise Forbidden(_("Only the community's facilitators can make tables."))
    if meeting.is_cancelled:
        raise Conflict(_("This meeting is cancelled."), code="meeting_cancelled")
    if not 2 <= size <= MAX_TABLE_SIZE:
        raise Invalid(_("A table seats 2 to %(max)d people.") % {"max": MAX_TABLE_SIZE}, field="size")
    people = tables.people_for(_attendee_ids(meeting))
    if len(people) < 2:
        raise Conflict(_("At least two people must be coming before you can make tables."), code="too_few")
    split = tables.assign(people, size)
    Seat.objects.filter(meeting=meeting).delete()
    Seat.objects.bulk_create(
        [Seat(meeting=meeting, user_id=p.user_id, table=n) for n, group in enumerate(split, 1) for p in group]
    )
    meeting.table_size = size
    meeting.save(update_fields=["table_size", "updated_at"])
    return [[p.user_id for p in group] for group in split]


@transaction.atomic
def move_to_table(*, actor: Actor | User, meeting: Meeting, user_id: int, table: int) -> Seat:
    """Adjust by hand: put one attendee at another (or a new) table."""
    actor = as_actor(actor)
    meeting = _locked(meeting)
    if not permissions.can_manage(actor, meeting.community):
        raise Forbidden(_("Only the community's facilitators can change the tables."))
    seat = Seat.objects.filter(meeting=meeting, user_id=user_id).first()
    if seat is None:
        raise Invalid(_("This person has no seat yet: make the tables first."), field="user")
    highest = Seat.objects.filter(meeting=meeting).aggregate(m=Max("table"))["m"] or 1
    if not 1 <= table <= highest + 1:
        raise Invalid(_("Choose one of the tables, or the next new one."), field="table")
    seat.table = table
    seat.save(update_fields=["table"])
    return seat
