"""One rule for the text people send Kring, applied at every form and service boundary.

Refused, never stripped (so nothing a member wrote changes silently):

- NUL and the other control characters, U+0000–U+001F and U+007F–U+009F, except tab
  everywhere and line breaks (LF, CR) in multi-line fields. PostgreSQL refuses NUL in
  text (a 500 before this rule), and control characters are invisible in pages.
- Line breaks in single-line fields (titles, names, reasons): LF, CR and U+2028/U+2029.
  Such fields end up in mail subjects, where a line break raises ``BadHeaderError``.
- Lone surrogates (U+D800–U+DFFF): not text; they cannot be stored or sent as UTF-8.

Forms get the rule from ``TextRuleMixin`` (a field with a ``Textarea`` is multi-line, any
other text field single-line); services that take text from outside call ``check_text``.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

from core.errors import Invalid

_MULTI_LINE_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_SINGLE_LINE_BAD = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")

CONTROL_MESSAGE = _("This field contains characters that are not allowed (control characters).")
LINE_BREAK_MESSAGE = _("This field must be a single line.")


def text_problem(value: str, *, multiline: bool = False) -> str | None:
    """The reason ``value`` breaks the rule (a translated message), or None when it is fine."""
    match = (_MULTI_LINE_BAD if multiline else _SINGLE_LINE_BAD).search(value)
    if match is None:
        return None
    if not multiline and match.group() in "\n\r\u2028\u2029":
        return str(LINE_BREAK_MESSAGE)
    return str(CONTROL_MESSAGE)


def check_text(value: str, *, field: str, multiline: bool = False) -> str:
    """Return ``value`` if it keeps the rule; else raise ``Invalid`` for ``field``."""
    problem = text_problem(value, multiline=multiline)
    if problem is not None:
        raise Invalid(problem, field=field)
    return value


@deconstructible
class TextRuleValidator:
    """The rule as a Django validator (added to every text field of a ``TextRuleMixin`` form)."""

    def __init__(self, *, multiline: bool) -> None:
        self.multiline = multiline

    def __call__(self, value: Any) -> None:
        if isinstance(value, str):
            problem = text_problem(value, multiline=self.multiline)
            if problem is not None:
                raise ValidationError(problem, code="bad_text")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TextRuleValidator) and other.multiline == self.multiline

    def __hash__(self) -> int:
        return hash(self.multiline)


class TextRuleMixin:
    """Mix into every Kring form (before ``forms.Form``/``forms.ModelForm``): each text field,
    whether declared or made from a model, keeps the text rule. Passwords are left alone:
    they are only hashed, never shown or put in a header."""

    fields: dict[str, forms.Field]

    def full_clean(self) -> None:
        # At clean time, not in __init__: some forms add fields in their own __init__.
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and not isinstance(field.widget, forms.PasswordInput):
                rule = TextRuleValidator(multiline=isinstance(field.widget, forms.Textarea))
                if rule not in field.validators:  # self.fields holds per-instance copies
                    field.validators.append(rule)
        super().full_clean()  # type: ignore[misc]


# --- the last line of defence: no control character reaches a Kring table ---------------------

KRING_APPS = frozenset(
    {
        "accounts",
        "notifications",
        "forum",
        "realtime",
        "mentoring",
        "knowledge_base",
        "frontend",
        "digests",
        "monitoring",
        "meetings",
        "passport",
        "api",
    }
)
_TEXT_FIELDS: dict[type[Any], tuple[str, ...]] = {}


def _text_fields(model: type[Any]) -> tuple[str, ...]:
    names = _TEXT_FIELDS.get(model)
    if names is None:
        from django.db import models

        names = _TEXT_FIELDS[model] = tuple(
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField) and f.name != "password"
        )
    return names


def refuse_control_characters(sender: type[Any], instance: Any, **kwargs: Any) -> None:
    """``pre_save`` for every model of Kring's apps: a service that forgot ``check_text`` still
    cannot store NUL (PostgreSQL would fail with a 500) or another control character.

    Only the multi-line rule here (line breaks pass): which fields are single-line is the
    form's and the service's knowledge, not the column's.
    """
    if sender._meta.app_label not in KRING_APPS:
        return
    for name in _text_fields(sender):
        value = getattr(instance, name, None)
        if isinstance(value, str) and _MULTI_LINE_BAD.search(value):
            raise Invalid(str(CONTROL_MESSAGE), field=name)
