"""What the action families share: the meeting row, locked for the rest of the transaction."""

from __future__ import annotations

from meetings.models import Meeting


def _locked(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().select_related("community").get(pk=meeting.pk)
