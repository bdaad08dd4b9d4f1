from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, Region, Sector, WorkSituation
from core.limits import MAX_MESSAGE_BODY
from core.text import TextRuleMixin
from forum.models import Community, CommunityKind, LearningFunction, Scope, Visibility, WhoMayMessage


class DirectoryForm(TextRuleMixin, forms.Form):
    q = forms.CharField(label=_("Search communities"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=[("", _("All kinds")), *CommunityKind.choices], required=False)
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    scope = forms.ChoiceField(label=_("Scope"), choices=[("", _("Any scope")), *Scope.choices], required=False)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["sector"].choices = [("", _("All sectors"))] + [(s.slug, s.name) for s in Sector.objects.all()]  # type: ignore[attr-defined]
        self.fields["region"].choices = [("", _("All regions"))] + [(r.slug, r.name) for r in Region.objects.all()]  # type: ignore[attr-defined]


class CommunityForm(TextRuleMixin, forms.ModelForm[Community]):
    sectors = forms.ModelMultipleChoiceField(
        Sector.objects.all(), required=False, widget=forms.CheckboxSelectMultiple, label=_("Sectors")
    )
    regions = forms.ModelMultipleChoiceField(
        Region.objects.all(), required=False, widget=forms.CheckboxSelectMultiple, label=_("Regions")
    )
    learning_functions = forms.ModelMultipleChoiceField(
        LearningFunction.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Learning functions"),
    )
    visibility = forms.ChoiceField(choices=Visibility.choices, widget=forms.RadioSelect, label=_("Who can join"))
    partners = forms.ModelMultipleChoiceField(
        Organisation.objects.all(), required=False, label=_("Partner organisations")
    )
    related = forms.ModelMultipleChoiceField(
        Community.objects.filter(is_system=False), required=False, label=_("Related communities")
    )

    class Meta:
        model = Community
        fields = [
            "name",
            "kind",
            "description",
            "waaromvraag",
            "scope",
            "visibility",
            "sectors",
            "regions",
            "learning_functions",
            "partners",
            "related",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 5}), "waaromvraag": forms.Textarea(attrs={"rows": 3})}


class TopicForm(TextRuleMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=160)
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 5}), max_length=MAX_MESSAGE_BODY)
    is_question = forms.BooleanField(label=_("This is a practice question (kennisvraag)"), required=False)
    client_id = forms.UUIDField(widget=forms.HiddenInput)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name (``<input type="file" multiple>``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


class PostForm(TextRuleMixin, forms.Form):
    """A reply: text, or attachments without text (each with an optional caption), maybe answering a message."""

    body = forms.CharField(
        label=_("Your message"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=MAX_MESSAGE_BODY,
        required=False,
        help_text=_("Markdown works. Mention someone with @**Name**."),
    )
    attachments = MultipleFileField(label=_("Attachments (optional)"), required=False)
    caption = forms.CharField(label=_("Caption (optional)"), max_length=300, required=False)
    reply_to = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    client_id = forms.UUIDField(widget=forms.HiddenInput)


class EditForm(TextRuleMixin, forms.Form):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 5}), max_length=MAX_MESSAGE_BODY)


class FlagForm(TextRuleMixin, forms.Form):
    reason = forms.CharField(label=_("Why should a facilitator look at this?"), max_length=500)


class ReactForm(TextRuleMixin, forms.Form):
    emoji = forms.CharField(max_length=32)  # any one emoji; the service checks it


class InviteForm(TextRuleMixin, forms.Form):
    email = forms.EmailField(label=_("E-mail address"))


class RoomForm(TextRuleMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    restricted = forms.BooleanField(label=_("Only for listed members"), required=False)
    slow_mode_seconds = forms.IntegerField(label=_("Slow mode (seconds)"), min_value=0, max_value=3600, initial=0)


class RoomSettingsForm(TextRuleMixin, forms.Form):
    archived = forms.BooleanField(label=_("Archived (read-only)"), required=False)
    slow_mode_seconds = forms.IntegerField(label=_("Slow mode (seconds)"), min_value=0, max_value=3600)


class TopicRenameForm(TextRuleMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=160)


class BanForm(TextRuleMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class MuteForm(TextRuleMixin, forms.Form):
    minutes = forms.IntegerField(label=_("Minutes"), min_value=1, max_value=60 * 24 * 90, initial=60)
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class SearchForm(TextRuleMixin, forms.Form):
    q = forms.CharField(label=_("Search messages and topics"), max_length=200)


class MemberIdsField(forms.Field):
    """One or more member ids (``?members=3&members=8``), as ints."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        values = value if isinstance(value, list | tuple) else [value] if value else []
        try:
            ids = sorted({int(v) for v in values})
        except (TypeError, ValueError):
            raise forms.ValidationError(_("Choose members from the list."), code="invalid") from None
        if any(i < 1 or i > 2**31 for i in ids):
            raise forms.ValidationError(_("Choose members from the list."), code="invalid")
        return ids


class StartConversationForm(TextRuleMixin, forms.Form):
    members = MemberIdsField(label=_("Members"))

    def clean_members(self) -> list[int]:
        members: list[int] = self.cleaned_data["members"]
        if not 1 <= len(members) <= 7:
            raise forms.ValidationError(_("Choose one to seven members to write to."), code="count")
        return members


class MessageSettingForm(TextRuleMixin, forms.Form):
    who_may_message = forms.ChoiceField(
        label=_("Who may send you a message?"), choices=WhoMayMessage.choices, widget=forms.RadioSelect
    )


class ReportForm(TextRuleMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why should a moderator look at this conversation?"), max_length=500, widget=forms.Textarea
    )


class MemberFilterForm(TextRuleMixin, forms.Form):
    q = forms.CharField(label=_("Search by name or organisation"), required=False, max_length=100)
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    work_situation = forms.ChoiceField(
        label=_("Work situation"), choices=[("", _("Everyone")), *WorkSituation.choices], required=False
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["sector"].choices = [("", _("All sectors"))] + [(s.slug, s.name) for s in Sector.objects.all()]  # type: ignore[attr-defined]
