"""``{{ value|shown }}``: a figure, or "fewer than 5" for a suppressed one (a filter, not an include:
a table of weeks × groups renders many cells)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def shown(value: Any, suffix: str = "") -> SafeString:
    if value is None:
        return format_html('<span class="muted">{}</span>', _("fewer than 5"))
    return format_html("{}{}", value, suffix)
