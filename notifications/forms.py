from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.text import TextRuleMixin
from notifications.models import CommunityLevel
from notifications.selectors import KindRow

# The channels the preferences page offers (push only where the server has VAPID keys).
CHANNELS = ("app", "email", "push")


class PreferencesForm(TextRuleMixin, forms.Form):
    quiet_from = forms.TimeField(
        label=_("Quiet from"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    quiet_until = forms.TimeField(
        label=_("Quiet until"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )

    push_content = forms.BooleanField(
        label=_("Show what happened in a push notification (otherwise only its kind)"), required=False
    )

    def __init__(
        self, *args: Any, rows: list[KindRow], communities: list[tuple[int, str]], push: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        self.communities = communities
        self.channels = CHANNELS if push else CHANNELS[:2]
        if not push:
            del self.fields["push_content"]
        for row in rows:
            for channel in self.channels:
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
            {
                "label": row.label,
                "kind": row.kind,
                "fields": [(channel, self[f"{row.kind}_{channel}"]) for channel in self.channels],
            }
            for row in self.rows
        ]

    def community_fields(self) -> list[forms.BoundField]:
        return [self[f"community_{cid}"] for cid, _name in self.communities]
