from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.text import TextRuleMixin
from digests.models import Frequency


class FrequencyForm(TextRuleMixin, forms.Form):
    frequency = forms.ChoiceField(
        label=_("How often do you want a digest?"),
        choices=Frequency.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "A digest comes only when you have not visited since the last one, and only when something happened."
        ),
    )
