from __future__ import annotations

from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from accounts.models import Language, Organisation, Profile, Region, Sector
from core.text import TextRuleMixin


class SignupForm(TextRuleMixin, AllauthSignupForm):
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=80,
        help_text=_("How other members see you, for example your first and last name."),
    )
    field_order = ["display_name", "email", "password1", "password2"]


class ProfileForm(TextRuleMixin, forms.ModelForm[Profile]):
    sectors = forms.ModelMultipleChoiceField(
        queryset=Sector.objects.all(), required=False, widget=forms.CheckboxSelectMultiple, label=_("Sectors")
    )
    languages = forms.ModelMultipleChoiceField(
        queryset=Language.objects.all(), required=False, widget=forms.CheckboxSelectMultiple, label=_("Languages")
    )
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.all(), required=False, label=_("Organisation"))
    region = forms.ModelChoiceField(queryset=Region.objects.all(), required=False, label=_("Region"))
    avatar_upload = forms.ImageField(label=_("New avatar"), required=False)
    mail_language = forms.ChoiceField(label=_("Language of your e-mails"), choices=settings.LANGUAGES, required=False)

    class Meta:
        model = Profile
        fields = [
            "display_name",
            "career_stage",
            "education_level",
            "work_situation",
            "organisation",
            "sectors",
            "region",
            "languages",
            "bio",
        ]
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}
