"""Meetings' privacy hook: a member's answers, agenda items, seats, attendance and the action items
they own are exported; minutes they wrote and meetings they planned are records of the community
(their pointer is set to NULL on deletion); the calendar feed's secret is a credential.

On deletion the database does the rest: answers, seats, attendance and the feed go by CASCADE;
agenda items, minutes and action items stay with "former member" (SET_NULL).
"""

from __future__ import annotations

from typing import Any

from accounts.models import User
from accounts.privacy import ACTOR, CREDENTIAL, EXPORTED, records
from meetings.models import ActionItem, AgendaItem, Attendance, Rsvp, Seat

RELATIONS: dict[str, str] = {
    "meetings.Meeting.created_by": ACTOR,
    "meetings.Rsvp.user": EXPORTED,
    "meetings.AgendaItem.added_by": EXPORTED,
    "meetings.Seat.user": EXPORTED,
    "meetings.Minutes.written_by": ACTOR,
    "meetings.ActionItem.owner": EXPORTED,
    "meetings.Attendance.user": EXPORTED,
    "meetings.Attendance.recorded_by": ACTOR,
    "meetings.CalendarFeed.user": CREDENTIAL,
}


def export(user: User) -> dict[str, Any]:
    return {
        "meetings": {
            "answers": records(Rsvp.objects.filter(user=user).order_by("pk"), skip={"user"}),
            "agenda_items": records(AgendaItem.objects.filter(added_by=user).order_by("pk"), skip={"added_by"}),
            "seats": records(Seat.objects.filter(user=user).order_by("pk"), skip={"user"}),
            "attendance": records(Attendance.objects.filter(user=user).order_by("pk"), skip={"user", "recorded_by"}),
            "action_items": records(ActionItem.objects.filter(owner=user).order_by("pk"), skip={"owner"}),
        }
    }


def forget(user: User) -> None:
    """Nothing beyond CASCADE and SET_NULL (see the module's docstring)."""
