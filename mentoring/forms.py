from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Skill
from core.text import TextRuleMixin, text_problem
from mentoring.models import (
    GoalsReached,
    Level,
    MentoringProfile,
    Mode,
    Programme,
    RoundPair,
    RoundPairState,
    Satisfaction,
)

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


class DateInput(forms.DateInput):
    """``<input type=date>`` reads only ISO dates, whatever the page's language."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None) -> None:
        super().__init__(attrs, format=format or "%Y-%m-%d")


class MentoringProfileForm(TextRuleMixin, forms.ModelForm[MentoringProfile]):
    class Meta:
        model = MentoringProfile
        fields = [
            "years_experience",
            "hours_per_month",
            "mode",
            "prefers_other_organisation",
            "sector_preference",
            "max_relationships",
            "is_open",
            "motivation",
        ]
        widgets = {
            "motivation": forms.Textarea(attrs={"rows": 3}),
            "mode": forms.RadioSelect,
            "sector_preference": forms.RadioSelect,
        }
        help_texts = {
            "hours_per_month": _("Roughly how many hours a month you can give to mentoring."),
            "max_relationships": _("Most people take one pair at a time."),
            "motivation": _("Why you want to take part: what you hope to give and to get."),
        }


class ProfileBasicsForm(TextRuleMixin, forms.ModelForm[MentoringProfile]):
    """Step 1 of the guided set-up: time and way of meeting."""

    class Meta:
        model = MentoringProfile
        fields = ["years_experience", "hours_per_month", "mode", "max_relationships", "is_open"]
        widgets = {"mode": forms.RadioSelect}
        help_texts = MentoringProfileForm.Meta.help_texts


class ProfilePreferencesForm(TextRuleMixin, forms.ModelForm[MentoringProfile]):
    """The last step: whom you would like to meet, and why you take part."""

    class Meta:
        model = MentoringProfile
        fields = ["prefers_other_organisation", "sector_preference", "motivation"]
        widgets = MentoringProfileForm.Meta.widgets
        help_texts = MentoringProfileForm.Meta.help_texts


@dataclass
class SkillRow:
    skill: Skill
    level: int = int(Level.GOOD)
    note: str = ""  # the context of an offer, the learning goal of a want


class SkillPickForm(TextRuleMixin, forms.Form):
    """Skills picked with the combobox (``ui``: ``skill-picker.js``), one row each.

    The rows post ``skill`` (repeated), ``level_<id>`` and ``note_<id>``; ``add`` names one more
    skill by its name, so that the step works without JavaScript too.
    """

    skill = forms.ModelMultipleChoiceField(
        queryset=Skill.objects.all(), required=False, widget=forms.MultipleHiddenInput
    )
    add = forms.CharField(required=False, max_length=100, label=_("Add a skill"))

    def __init__(self, *args: Any, with_level: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.with_level = with_level
        self.fields["add"].help_text = _("Type to search, then choose a skill from the list.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen: list[Skill] = list(data.get("skill") or [])
        name = (data.get("add") or "").strip()
        if name:
            found = Skill.objects.filter(name__iexact=name).first()
            if found is None:
                self.add_error("add", _("There is no skill with this name. Choose one from the list."))
            elif found not in chosen:
                chosen.append(found)
        rows = []
        for skill in chosen:
            level = int(Level.GOOD)
            if self.with_level:
                raw = self.data.get(f"level_{skill.pk}", str(Level.GOOD))
                if raw not in {str(v) for v in Level.values}:
                    self.add_error(None, _("Choose a level for %(skill)s.") % {"skill": skill.name})
                    continue
                level = int(raw)
            note = str(self.data.get(f"note_{skill.pk}", "")).strip()[:200]
            problem = text_problem(note, multiline=False)
            if problem is not None:
                self.add_error(None, f"{skill.name}: {problem}")
                continue
            rows.append(SkillRow(skill=skill, level=level, note=note))
        data["rows"] = rows
        return data


class OfferForm(TextRuleMixin, forms.Form):
    skill = forms.ModelChoiceField(queryset=Skill.objects.all(), required=False, label=_("Skill you offer"))
    level = forms.TypedChoiceField(choices=Level.choices, coerce=int, initial=Level.GOOD, label=_("Level"))
    context = forms.CharField(
        max_length=200, required=False, label=_("Context"), help_text=_("Where you use it, in one line.")
    )


class WantForm(TextRuleMixin, forms.Form):
    skill = forms.ModelChoiceField(queryset=Skill.objects.all(), required=False, label=_("Skill you want to learn"))
    goal = forms.CharField(
        max_length=200, required=False, label=_("Learning goal"), help_text=_("What you want to be able to do.")
    )


OfferFormSet = forms.formset_factory(OfferForm, extra=2, max_num=10)
WantFormSet = forms.formset_factory(WantForm, extra=2, max_num=10)


class SuggestionFilterForm(TextRuleMixin, forms.Form):
    programme = forms.ModelChoiceField(queryset=Programme.objects.none(), required=False, label=_("Programme"))
    skill = forms.ModelChoiceField(
        queryset=Skill.objects.all(), required=False, label=_("Only people who offer"), empty_label=_("any skill")
    )
    same_region = forms.BooleanField(required=False, label=_("Only people in my region"))

    def __init__(self, *args: Any, programmes: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["programme"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = programmes if programmes is not None else Programme.objects.none()
        field.empty_label = _("all members")


class ProposeForm(TextRuleMixin, forms.Form):
    message = forms.CharField(
        max_length=500, required=False, label=_("A short message"), widget=forms.Textarea(attrs={"rows": 2})
    )
    programme = forms.ModelChoiceField(queryset=Programme.objects.all(), required=False, widget=forms.HiddenInput)


def _goal_lines(value: str) -> list[str]:
    return [line.strip() for line in value.splitlines() if line.strip()]


class AgreementForm(TextRuleMixin, forms.Form):
    my_goals = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), help_text=_("One goal per line."))
    partner_goals = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), help_text=_("One goal per line."))
    rhythm = forms.CharField(max_length=120, label=_("Meeting rhythm"), help_text=_("For example: every three weeks."))
    duration_months = forms.IntegerField(min_value=1, max_value=36, initial=6, label=_("Duration in months"))
    confidentiality = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        label=_("Confidentiality"),
        initial=_("What we discuss stays between us, unless we agree otherwise."),
    )

    def __init__(self, *args: Any, partner_name: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["my_goals"].label = _("My learning goals")
        self.fields["partner_goals"].label = _("Learning goals of %(name)s") % {"name": partner_name}

    def clean_my_goals(self) -> list[str]:
        return _goal_lines(self.cleaned_data["my_goals"])

    def clean_partner_goals(self) -> list[str]:
        return _goal_lines(self.cleaned_data["partner_goals"])


class ReflectionFields(TextRuleMixin, forms.Form):
    went_well = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label=_("What went well, and why?")
    )
    ran_into = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label=_("What did you run into?")
    )
    learning_points = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), label=_("What are your learning points?")
    )
    shared = forms.BooleanField(
        required=False,
        label=_("Share my reflection with my partner"),
        help_text=_("Unshared reflections are visible to you alone."),
    )


class SessionForm(ReflectionFields):
    held_on = forms.DateField(label=_("Date"), widget=DateInput)
    mode = forms.ChoiceField(choices=Mode.choices[:2], label=_("How you met"), widget=forms.RadioSelect)
    shared_notes = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label=_("Shared notes"),
        help_text=_("Both of you can read these."),
    )
    field_order = ["held_on", "mode", "shared_notes", "went_well", "ran_into", "learning_points", "shared"]

    def clean_held_on(self) -> Any:
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise forms.ValidationError(_("Log a session once it has taken place."))
        return held_on


def _yes_no(value: str) -> bool:
    return value == "yes"


class ClosingForm(TextRuleMixin, forms.Form):
    """What each taught and learned, and the closing survey (the same questions for both sides)."""

    taught = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label=_("What did you teach?"))
    learned = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label=_("What did you learn?"))
    satisfaction = forms.TypedChoiceField(
        choices=[(value, f"{value} – {label}") for value, label in Satisfaction.choices],
        coerce=int,
        widget=forms.RadioSelect,
        label=_("How satisfied are you with your match?"),
        help_text=_("From 1 (very dissatisfied) to 5 (very satisfied)."),
    )
    goals_reached = forms.ChoiceField(
        choices=GoalsReached.choices, widget=forms.RadioSelect, label=_("Did you reach your learning goals?")
    )
    would_recommend = forms.TypedChoiceField(
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=_yes_no,
        widget=forms.RadioSelect,
        label=_("Would you recommend two-way mentoring to a colleague?"),
    )

    @staticmethod
    def initial_for(closing: Any) -> dict[str, Any]:
        if closing is None:
            return {}
        recommend = {True: "yes", False: "no"}.get(closing.would_recommend, "")
        return {
            "taught": closing.taught,
            "learned": closing.learned,
            "satisfaction": closing.satisfaction,
            "goals_reached": closing.goals_reached,
            "would_recommend": recommend,
        }


class EndForm(TextRuleMixin, forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label=_("Why do you stop early?"))


class CheckInForm(TextRuleMixin, forms.Form):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), label=_("How is it going?"), required=False, max_length=2000
    )


class GoalProgressForm(TextRuleMixin, forms.Form):
    progress = forms.IntegerField(min_value=0, max_value=100, label=_("Progress (%)"))


class NewGoalForm(TextRuleMixin, forms.Form):
    description = forms.CharField(max_length=300, label=_("New learning goal for myself"))


class ProgrammeForm(TextRuleMixin, forms.ModelForm[Programme]):
    class Meta:
        model = Programme
        fields = [
            "name",
            "slug",
            "description",
            "eligibility",
            "intake_questions",
            "starts_on",
            "ends_on",
            "matching_mode",
            "checkin_interval_days",
            "weight_skills",
            "weight_experience",
            "weight_availability",
            "weight_region",
            "weight_organisation",
            "weight_sector",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "eligibility": forms.Textarea(attrs={"rows": 2}),
            "intake_questions": forms.Textarea(attrs={"rows": 3}),
            "starts_on": DateInput,
            "ends_on": DateInput,
            "matching_mode": forms.RadioSelect,
        }

    def clean(self) -> dict[str, Any]:
        # A field error before the model's constraint check, which would otherwise show the
        # database's raw constraint name (the constraint skips fields that already have errors).
        data = super().clean() or {}
        starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", _("The cohort cannot end before it starts."))
        return data


class JoinForm(TextRuleMixin, forms.Form):
    def __init__(self, *args: Any, questions: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for i, question in enumerate(questions):
            self.fields[f"q{i}"] = forms.CharField(
                label=question, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
            )

    def answers(self) -> dict[str, str]:
        return {q: self.cleaned_data.get(f"q{i}", "") for i, q in enumerate(self.questions)}


class InviteForm(TextRuleMixin, forms.Form):
    email = forms.EmailField(label=_("E-mail address of the member"))


class CsvRow(NamedTuple):
    line: int  # the line of the file, for the preview
    email: str
    name: str


MAX_CSV_BYTES = 200_000
MAX_CSV_ROWS = 500
EMAIL_HEADERS = {"email", "e-mail", "emailadres", "e-mailadres", "e-mail address", "email address", "mail"}


class InviteCsvForm(TextRuleMixin, forms.Form):
    """A CSV file with an e-mail address per row and optionally a name (a header row may name them).

    Commas, semicolons (Dutch spreadsheets) and tabs all work. What is not a readable CSV file is a
    field error on ``file``; what is wrong with one row is shown in the preview
    (``selectors.invite_preview``).
    """

    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("One member per row: e-mail address, then (optionally) name. At most 500 rows."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self) -> list[CsvRow]:
        upload = self.cleaned_data["file"]
        not_csv = _("This is not a CSV file. Save the list from your spreadsheet as CSV and try again.")
        if not str(upload.name or "").lower().endswith((".csv", ".txt")):
            raise forms.ValidationError(not_csv, code="not_csv")
        if upload.size is None or upload.size > MAX_CSV_BYTES:
            raise forms.ValidationError(_("The file is too large (at most 200 KB)."), code="too_large")
        raw = upload.read(MAX_CSV_BYTES + 1)
        if b"\x00" in raw:
            raise forms.ValidationError(not_csv, code="not_csv")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = raw.decode("cp1252")  # older Dutch spreadsheets
            except UnicodeDecodeError:
                raise forms.ValidationError(not_csv, code="not_csv") from None
        if any(ord(c) < 32 and c not in "\t\r\n" for c in text):
            raise forms.ValidationError(not_csv, code="not_csv")
        # Dutch spreadsheets save with semicolons, others with commas or tabs; an e-mail address
        # holds none of them (csv.Sniffer guesses wrong when a row has no name).
        delimiter = ";" if ";" in text else "\t" if "\t" in text else ","
        rows: list[CsvRow] = []
        try:
            for number, cells in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter, strict=True), start=1):
                cells = [c.strip() for c in cells]
                if not any(cells):
                    continue
                if not rows and number == 1 and cells[0].lower() in EMAIL_HEADERS:
                    continue  # a header row
                if len(cells) > 2 and any(cells[2:]):
                    raise forms.ValidationError(
                        _("Line %(line)s has more than two columns: e-mail address and name.") % {"line": number},
                        code="columns",
                    )
                rows.append(CsvRow(line=number, email=cells[0][:254], name=(cells[1] if len(cells) > 1 else "")[:100]))
                if len(rows) > MAX_CSV_ROWS:
                    raise forms.ValidationError(_("The file has more than 500 rows."), code="too_many")
        except csv.Error:
            raise forms.ValidationError(not_csv, code="not_csv") from None
        if not rows:
            raise forms.ValidationError(_("The file has no rows with an e-mail address."), code="empty")
        return rows


class InviteSendForm(TextRuleMixin, forms.Form):
    """The preview's valid rows (``email`` and ``name``, repeated, in hidden fields), sent back
    to invite them; the selector checks them again, as the preview did."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        emails = self.data.getlist("email") if hasattr(self.data, "getlist") else []
        names = self.data.getlist("name") if hasattr(self.data, "getlist") else []
        if not emails:
            raise forms.ValidationError(_("There is no one to invite."), code="empty")
        if len(emails) > MAX_CSV_ROWS:
            raise forms.ValidationError(_("The file has more than 500 rows."), code="too_many")
        names = [*names, *[""] * (len(emails) - len(names))]
        data["rows"] = [
            CsvRow(line=i, email=str(e).strip()[:254], name=str(n).strip()[:100])
            for i, (e, n) in enumerate(zip(emails, names, strict=False), start=1)
        ]
        return data


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None) -> None:
        super().__init__(attrs, format=format or "%H:%M")


class SessionPlanForm(TextRuleMixin, forms.Form):
    """Plan (or move) a session: a date and time in Europe/Amsterdam, a place or a video link."""

    date = forms.DateField(label=_("Date"), widget=DateInput)
    time = forms.TimeField(label=_("Time"), widget=TimeInput, help_text=_("Amsterdam time."))
    duration_minutes = forms.IntegerField(min_value=5, max_value=480, initial=60, label=_("Duration in minutes"))
    mode = forms.ChoiceField(
        choices=Mode.choices, initial=Mode.ONLINE, label=_("How you meet"), widget=forms.RadioSelect
    )
    place = forms.CharField(max_length=200, required=False, label=_("Place"), help_text=_("When you meet in person."))
    video_url = forms.URLField(
        max_length=500,
        required=False,
        label=_("Video link"),
        help_text=_("When you meet online: the link to the video call (https://…)."),
        assume_scheme="https",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day, time = data.get("date"), data.get("time")
        if day is not None and time is not None:
            data["starts_at"] = datetime.combine(day, time, tzinfo=AMSTERDAM)
        return data

    @classmethod
    def initial_for(cls, session: Any) -> dict[str, Any]:
        local = session.starts_at.astimezone(AMSTERDAM)
        return {
            "date": local.date(),
            "time": local.time().replace(second=0, microsecond=0),
            "duration_minutes": session.duration_minutes,
            "mode": session.mode,
            "place": session.place,
            "video_url": session.video_url,
        }


class RoundForm(TextRuleMixin, forms.Form):
    min_score = forms.IntegerField(
        min_value=0,
        max_value=100,
        initial=0,
        required=False,
        label=_("Minimum score"),
        help_text=_("Pairs scoring lower are not made: those people stay unmatched."),
    )

    def clean_min_score(self) -> int:
        return self.cleaned_data.get("min_score") or 0


def _pair_label(pair: RoundPair) -> str:
    return f"{pair.person_a.display_name} & {pair.person_b.display_name}"


class SwapForm(TextRuleMixin, forms.Form):
    """Two pairs of a draft round whose more experienced partners change places."""

    first = forms.ModelChoiceField(queryset=RoundPair.objects.none(), label=_("First pair"))
    second = forms.ModelChoiceField(queryset=RoundPair.objects.none(), label=_("Second pair"))

    def __init__(self, *args: Any, matching_round: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pairs = RoundPair.objects.filter(matching_round=matching_round).exclude(state=RoundPairState.FORBIDDEN)
        for name in ("first", "second"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = pairs.select_related("person_a__profile", "person_b__profile")
            field.label_from_instance = _pair_label  # type: ignore[method-assign,assignment]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("first") is not None and data.get("first") == data.get("second"):
            self.add_error("second", _("Choose two different pairs of this round."))
        return data
