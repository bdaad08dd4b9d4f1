from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.text import TextRuleMixin
from monitoring.models import Cycle, ValueStory
from monitoring.scan import STATEMENTS
from monitoring.selectors import MAX_RANGE_DAYS

SCORES = [
    (1, _("1 – disagree")),
    (2, "2"),
    (3, "3"),
    (4, "4"),
    (5, _("5 – agree")),
]


class RangeForm(TextRuleMixin, forms.Form):
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if isinstance(start, dt.date) and isinstance(end, dt.date):
            if end < start:
                self.add_error("end", _("The end comes before the start."))
            elif (end - start).days > MAX_RANGE_DAYS:
                self.add_error("end", _("Choose at most two years."))
        return data


class ScanForm(TextRuleMixin, forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for statement in STATEMENTS:
            self.fields[statement.code] = forms.TypedChoiceField(
                label=str(statement.text), choices=SCORES, coerce=int, widget=forms.RadioSelect, required=False
            )

    def scores(self) -> dict[str, int]:
        return {code: value for code, value in self.cleaned_data.items() if value not in (None, "")}


class StoryForm(TextRuleMixin, forms.ModelForm):
    class Meta:
        model = ValueStory
        fields = ["cycle", "title", "story", "topic", "lesson", "relationship"]
        widgets = {"cycle": forms.RadioSelect, "story": forms.Textarea(attrs={"rows": 6})}
        help_texts = {
            "story": _("What did the community do for you? What happened, what changed?"),
            "topic": _("A conversation, a lesson or a mentoring pair shows what you tell: link at least one."),
        }

    def __init__(self, *args: Any, topics: Any, lessons: Any, relationships: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["cycle"].choices = Cycle.choices
        fields["topic"].queryset = topics
        fields["lesson"].queryset = lessons
        fields["relationship"].queryset = relationships
        fields["relationship"].label_from_instance = lambda r: (
            str(_("Mentoring pair since %(date)s")) % {"date": (r.activated_at or r.created_at).date().isoformat()}
        )


class OptOutForm(TextRuleMixin, forms.Form):
    opt_out = forms.BooleanField(
        label=_("Leave me out of network analysis"),
        required=False,
        help_text=_(
            "Facilitators then do not see you among the members who connect organisations, "
            "and you are left out of the network export. Counts without names still include you."
        ),
    )
