from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Skill
from core.text import TextRuleMixin
from passport.models import Achievement


class AchievementForm(TextRuleMixin, forms.ModelForm):
    owner = forms.ChoiceField(label=_("For"))

    class Meta:
        model = Achievement
        fields = ["name", "description", "criteria", "image", "skill", "rule"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "criteria": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: object, owners: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        owner_field = self.fields["owner"]
        assert isinstance(owner_field, forms.ChoiceField)
        owner_field.choices = owners
        skill_field = self.fields["skill"]
        assert isinstance(skill_field, forms.ModelChoiceField)
        skill_field.queryset = Skill.objects.order_by("name")
        skill_field.required = False
        self.order_fields(["owner", "name", "description", "criteria", "image", "skill", "rule"])


class AwardForm(TextRuleMixin, forms.Form):
    email = forms.EmailField(label=_("E-mail address of the member"))
    evidence_url = forms.CharField(label=_("Link to the evidence (optional)"), max_length=300, required=False)
    evidence_name = forms.CharField(label=_("What the link shows"), max_length=120, required=False)

    def clean_evidence_url(self) -> str:
        url: str = self.cleaned_data["evidence_url"].strip()
        if url and not url.startswith("/"):
            raise forms.ValidationError(_("Give a link to a page on Kring (starting with /)."))
        return url


class RevokeForm(TextRuleMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class EndorseForm(TextRuleMixin, forms.Form):
    skill = forms.ModelChoiceField(label=_("Skill"), queryset=Skill.objects.order_by("name"))
    comment = forms.CharField(label=_("What you saw"), max_length=500, required=False)


class VisibilityForm(TextRuleMixin, forms.Form):
    show_mentoring = forms.BooleanField(label=_("Mentoring"), required=False)
    show_contributions = forms.BooleanField(label=_("Contributions"), required=False)
    show_endorsements = forms.BooleanField(label=_("Endorsements"), required=False)
    public_awards = forms.MultipleChoiceField(
        label=_("Credentials"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: object, award_choices: list[tuple[str, str]], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        awards_field = self.fields["public_awards"]
        assert isinstance(awards_field, forms.MultipleChoiceField)
        awards_field.choices = award_choices
