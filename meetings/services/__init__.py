"""Every write of meetings: one module per action family, re-exported here.

Named actions, keyword-only, one transaction each, permission-checked, taking the explicit
``actor``. Views call these (``from meetings import services``) and nothing else writes meetings'
models.

RSVP and the waiting list (``answers``): "I'm coming" takes a place while the meeting has one, else
puts the member on the waiting list (first come, first served, by ``answered_at``). Whenever a place
frees up (someone changes their answer, the capacity grows) the first on the list moves up and is
told (the ``meeting_reminder`` notification kind, so the member's preferences decide how); so is
everyone who answered anything but "not coming" when a meeting is cancelled. The meeting row is
locked while places are counted, so two members never take the last place together.
"""

from __future__ import annotations

from meetings.services.agenda import MAX_AGENDA_ITEMS, add_agenda_item, add_message_to_agenda, remove_agenda_item
from meetings.services.answers import rsvp, withdraw_rsvp
from meetings.services.attendance import record_attendance
from meetings.services.feed import hash_token, reset_feed_token, stop_feed
from meetings.services.minutes import (
    MAX_ACTION_ITEMS,
    MAX_DECISIONS,
    ActionInput,
    minutes_text,
    post_minutes,
    propose_minutes_as_lesson,
    write_minutes,
)
from meetings.services.planning import (
    MAX_DURATION,
    MeetingInput,
    cancel_meeting,
    create_meeting,
    default_room,
    edit_meeting,
)
from meetings.services.reminders import REMIND_BEFORE, send_reminders
from meetings.services.seating import MAX_TABLE_SIZE, move_to_table, split_into_tables

__all__ = [
    "MAX_ACTION_ITEMS",
    "MAX_AGENDA_ITEMS",
    "MAX_DECISIONS",
    "MAX_DURATION",
    "MAX_TABLE_SIZE",
    "REMIND_BEFORE",
    "ActionInput",
    "MeetingInput",
    "add_agenda_item",
    "add_message_to_agenda",
    "cancel_meeting",
    "create_meeting",
    "default_room",
    "edit_meeting",
    "hash_token",
    "minutes_text",
    "move_to_table",
    "post_minutes",
    "propose_minutes_as_lesson",
    "record_attendance",
    "remove_agenda_item",
    "reset_feed_token",
    "rsvp",
    "send_reminders",
    "split_into_tables",
    "stop_feed",
    "withdraw_rsvp",
    "write_minutes",
]
