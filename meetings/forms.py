"""Meetings' forms: they parse and show field errors; the services decide (their ``Invalid`` lands
beside the field through ``core.http.add_to_form``)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import User
from core.text import TextRuleMixin
from forum.models import Message, Room
from meetings.models import MAX_OCCURRENCES, Meeting, Recurrence
from meetings.services import MAX_TABLE_SIZE, ActionInput, MeetingInput

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
ACTION_ROWS = 3


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None) -> None:
        super().__init__(attrs, format=format or "%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None) -> None:
        super().__init__(attrs, format=format or "%H:%M")


class MeetingForm(TextRuleMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=160)
    description = forms.CharField(
        label=_("What is it about?"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    date = forms.DateField(label=_("Date"), widget=DateInput)
    start_time = forms.TimeField(label=_("From"), widget=TimeInput, help_text=_("Amsterdam time."))
    end_time = forms.TimeField(label=_("Until"), widget=TimeInput)
    place = forms.CharField(
        label=_("Place"), max_length=200, required=False, help_text=_("The address, when you meet in person.")
    )
    video_url = forms.URLField(
        label=_("Video link"),
        max_length=300,
        required=False,
        assume_scheme="https",
        help_text=_("When people can join online: the link to the video call. Both filled in: a hybrid meeting."),
    )
    capacity = forms.IntegerField(
        label=_("Number of places"),
        min_value=1,
        max_value=100000,
        required=False,
        help_text=_("Leave empty for no limit. When it is full, people go on a waiting list."),
    )
    recurrence = forms.ChoiceField(label=_("Repeats"), choices=Recurrence.choices, initial=Recurrence.NONE)
    occurrences = forms.IntegerField(
        label=_("How many times in total"),
        min_value=2,
        max_value=MAX_OCCURRENCES,
        required=False,
        help_text=_("Only for a meeting that repeats."),
    )
    room = forms.ModelChoiceField(
        label=_("Room for the minutes"),
        queryset=Room.objects.none(),
        required=False,
        empty_label=_("The community's first room"),
    )

    def __init__(self, *args: Any, rooms: QuerySet[Room], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        room_field = self.fields["room"]
        assert isinstance(room_field, forms.ModelChoiceField)
        room_field.queryset = rooms

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
        if day is not None and start is not None and end is not None:
            data["starts_at"] = dt.datetime.combine(day, start, tzinfo=AMSTERDAM)
            data["ends_at"] = dt.datetime.combine(day, end, tzinfo=AMSTERDAM)
        if data.get("recurrence") not in (None, Recurrence.NONE) and not data.get("occurrences"):
            self.add_error("occurrences", _("Say how many times the meeting takes place."))
        return data

    def as_input(self) -> MeetingInput:
        data = self.cleaned_data
        return MeetingInput(
            title=data["title"],
            description=data.get("description") or "",
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            place=data.get("place") or "",
            video_url=data.get("video_url") or "",
            capacity=data.get("capacity"),
            recurrence=data.get("recurrence") or Recurrence.NONE,
            occurrences=data.get("occurrences"),
            room=data.get("room"),
        )

    @staticmethod
    def initial_for(meeting: Meeting) -> dict[str, Any]:
        start, end = meeting.starts_at.astimezone(AMSTERDAM), meeting.ends_at.astimezone(AMSTERDAM)
        return {
            "title": meeting.title,
            "description": meeting.description,
            "date": start.date(),
            "start_time": start.time().replace(second=0, microsecond=0),
            "end_time": end.time().replace(second=0, microsecond=0),
            "place": meeting.place,
            "video_url": meeting.video_url,
            "capacity": meeting.capacity,
            "recurrence": meeting.recurrence,
            "occurrences": meeting.occurrences,
            "room": meeting.room_id,
        }


class AgendaItemForm(TextRuleMixin, forms.Form):
    title = forms.CharField(label=_("What do you want to discuss?"), max_length=200)
    note = forms.CharField(
        label=_("Note (optional)"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


MESSAGE_LINK = re.compile(r"/onderwerp/(?P<topic>\d+)/?$")
ANCHOR = re.compile(r"^m(?P<seq>\d+)$")


class AgendaMessageForm(TextRuleMixin, forms.Form):
    """A link to a message (the message menu's "Copy link": …/onderwerp/12/#m34)."""

    link = forms.CharField(
        label=_("Link to a message"),
        max_length=500,
        help_text=_("In the conversation, open the message's menu and choose “Copy link”; paste it here."),
    )

    def clean_link(self) -> Message:
        raw = self.cleaned_data["link"].strip()
        parsed = urlparse(raw)
        path_match = MESSAGE_LINK.search(parsed.path)
        anchor = ANCHOR.match(parsed.fragment or "")
        if path_match is None or anchor is None:
            raise forms.ValidationError(_("This is not a link to a message. Use “Copy link” in the message's menu."))
        message = (
            Message.objects.select_related("room__community", "topic")
            .filter(topic_id=int(path_match["topic"]), seq=int(anchor["seq"]))
            .first()
        )
        if message is None:
            raise forms.ValidationError(_("This message does not exist (any more)."))
        return message


class TablesForm(TextRuleMixin, forms.Form):
    size = forms.IntegerField(
        label=pgettext_lazy("meeting", "People per table"), min_value=2, max_value=MAX_TABLE_SIZE, initial=6
    )


class MoveForm(TextRuleMixin, forms.Form):
    user = forms.IntegerField(widget=forms.HiddenInput)
    table = forms.IntegerField(label=pgettext_lazy("meeting", "Move to table"), min_value=1, max_value=1000)


class AttendanceForm(TextRuleMixin, forms.Form):
    present = forms.MultipleChoiceField(label=_("Who was there?"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, members: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["present"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(str(m.pk), m.display_name) for m in members]

    def ids(self) -> list[int]:
        return [int(x) for x in self.cleaned_data.get("present") or []]


class MinutesForm(TextRuleMixin, forms.Form):
    body = forms.CharField(label=_("What was discussed"), max_length=20000, widget=forms.Textarea(attrs={"rows": 8}))
    decisions = forms.CharField(
        label=_("Decisions"),
        required=False,
        max_length=15000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One decision per line."),
    )

    def __init__(self, *args: Any, members: list[User], rows: int = ACTION_ROWS, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        choices = [("", _("Nobody yet"))] + [(str(m.pk), m.display_name) for m in members]
        self.members = {m.pk: m for m in members}
        for i in range(1, self.rows + 1):
            self.fields[f"action_{i}"] = forms.CharField(
                label=_("Action item %(n)d: what") % {"n": i}, max_length=500, required=False
            )
            self.fields[f"owner_{i}"] = forms.TypedChoiceField(
                label=_("Action item %(n)d: who") % {"n": i},
                choices=choices,
                required=False,
                coerce=int,
                empty_value=None,
            )
            self.fields[f"due_{i}"] = forms.DateField(
                label=_("Action item %(n)d: by when") % {"n": i}, required=False, widget=DateInput
            )

    def decision_lines(self) -> list[str]:
        return [line.strip() for line in (self.cleaned_data.get("decisions") or "").splitlines() if line.strip()]

    def actions(self) -> list[ActionInput]:
        found = []
        for i in range(1, self.rows + 1):
            text = (self.cleaned_data.get(f"action_{i}") or "").strip()
            if text:
                owner_id = self.cleaned_data.get(f"owner_{i}")
                found.append(
                    ActionInput(
                        text=text,
                        owner=self.members.get(owner_id) if owner_id else None,
                        due_on=self.cleaned_data.get(f"due_{i}"),
                    )
                )
        return found
