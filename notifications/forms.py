from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.models import CommunityLevel
from notifications.selectors import KindRow

# The channels the preferences page offers (push is stored per kind but not delivered yet).
OFFERED = ("app", "email")


class PreferencesForm(forms.Form):
    quiet_from = forms.TimeField(
        label=_("Quiet from"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    quiet_until = forms.TimeField(
        label=_("Quiet until"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )

    def __init__(self, *args: Any, rows: list[KindRow], communities: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        self.communities = communities
        for row in rows:
            for channel in OFFERED:
                self.fields[f"{row.kind}_{channel}"] = forms.BooleanField(
                    required=False, initial=getattr(row.channels, channel)
                )
        for cid, name in communities:
            self.fields[f"community_{cid}"] = forms.ChoiceField(
                label=name, choices=CommunityLevel.choices, initial=CommunityLevel.ALL
            )

    def matrix(self) -> list[dict[str, Any]]:
        """The rows of the kind × channel table, with their bound fields."""
        return [
            {"label": row.label, "kind": row.kind, "fields": [self[f"{row.kind}_{channel}"] for channel in OFFERED]}
            for row in self.rows
        ]

    def community_fields(self) -> list[forms.BoundField]:
        return [self[f"community_{cid}"] for cid, _name in self.communities]
