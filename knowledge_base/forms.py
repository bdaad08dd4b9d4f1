"""Upload rules for CMS documents (set as WAGTAILDOCS_DOCUMENT_FORM_BASE)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from wagtail.documents.forms import BaseDocumentForm

from core.text import TextRuleMixin

DEFAULT_MAX_DOCUMENT_SIZE = 20 * 1024 * 1024


def max_document_size() -> int:
    return int(getattr(settings, "KNOWLEDGE_BASE_MAX_DOCUMENT_SIZE", DEFAULT_MAX_DOCUMENT_SIZE))


class DocumentForm(TextRuleMixin, BaseDocumentForm):
    """Wagtail's document form, with a size limit (the extension allow-list is WAGTAILDOCS_EXTENSIONS)."""

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        limit = max_document_size()
        if upload is not None and getattr(upload, "size", 0) > limit:
            raise ValidationError(
                _("This file is too big (%(size)s); the limit is %(limit)s.")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
            )
        return upload


class ProposalForm(TextRuleMixin, forms.Form):
    note = forms.CharField(
        label=_("Why is this a lesson for others? (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
