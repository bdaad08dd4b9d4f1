"""Template tags of Kring's design system: ``{% load kring_ui %}{% icon "bell" %}``."""

from __future__ import annotations

import functools
import re
from pathlib import Path

from django import template
from django.contrib.staticfiles import finders
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_COMMENT = re.compile(r"<!--.*?-->\s*", re.S)
_OPEN_TAG = re.compile(r"<svg\b[^>]*>", re.S)
_NAME = re.compile(r"^[a-z0-9-]+$")


@functools.cache
def _svg_body(name: str) -> str:
    """The icon's inner markup from the vendored Lucide file, read once per process."""
    if not _NAME.match(name):
        raise template.TemplateSyntaxError(f"Not an icon name: {name!r}")
    path = finders.find(f"frontend/icons/{name}.svg")
    if not path:
        raise template.TemplateSyntaxError(f"No icon {name!r}: list it in frontend/icons.txt")
    text = _COMMENT.sub("", Path(str(path)).read_text(encoding="utf-8"))
    opening = _OPEN_TAG.search(text)
    if opening is None:
        raise template.TemplateSyntaxError(f"Icon {name!r} is not an SVG")
    body = text[opening.end() : text.rindex("</svg>")]
    return " ".join(line.strip() for line in body.splitlines() if line.strip())


@register.simple_tag
def icon(name: str, extra_class: str = "") -> SafeString:
    """An inline Lucide icon, hidden from assistive technology (the control around it has the label)."""
    classes = f"icon icon-{name}" + (f" {escape(extra_class)}" if extra_class else "")
    return mark_safe(  # noqa: S308 - the body comes from our own vendored files, the class is escaped
        f'<svg class="{classes}" aria-hidden="true" focusable="false" xmlns="http://www.w3.org/2000/svg" '
        'viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" '
        f'stroke-linejoin="round">{_svg_body(name)}</svg>'
    )


@register.filter(name="initials")
def initials_filter(name: str) -> str:
    """``{{ name|initials }}``: up to two letters for an avatar without a picture."""
    from frontend.context_processors import initials

    return initials(str(name or ""))
