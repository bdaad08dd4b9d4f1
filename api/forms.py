from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from api.models import Scope, WebhookEvent
from core.text import TextRuleMixin


class TokenForm(TextRuleMixin, forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=80,
        help_text=_("So you know later what it is for, for example 'school portal'."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("What may the token do?"),
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[Scope.READ],
        help_text=_("Give a token no more than it needs."),
    )

    def __init__(self, *args: Any, can_manage: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not can_manage:
            field = self.fields["scopes"]
            assert isinstance(field, forms.MultipleChoiceField)
            field.choices = [c for c in Scope.choices if c[0] != Scope.ADMIN]


class WebhookForm(TextRuleMixin, forms.Form):
    owner = forms.ChoiceField(label=_("For"), help_text=_("A community you facilitate or a programme you coordinate."))
    target_url = forms.URLField(
        label=_("Address"),
        max_length=500,
        assume_scheme="https",
        help_text=_("Kring sends each event to this address as a signed POST (https)."),
    )
    events = forms.MultipleChoiceField(
        label=_("Which events?"),
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Messages and lessons belong to a community; pairs and sessions to a programme."),
    )

    def __init__(self, *args: Any, owners: list[tuple[str, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        field = self.fields["owner"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = list(owners)
