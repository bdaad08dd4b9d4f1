"""Template tags of Kring's design system: ``{% load kring_ui %}{% icon "bell" %}``."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Any

from django import template
from django.contrib.staticfiles import finders
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from forum.models import Room
from frontend.initials import initials

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
    return initials(str(name or ""))


@register.simple_tag(takes_context=True)
def sidebar_rooms(context: Any, communities: Any) -> SafeString:
    """The sidebar's communities and rooms, built in Python: every page renders it, and as
    template code a member of 24 communities cost ~30 ms of rendering; this costs ~1 ms.
    The markup (classes, data-* attributes) is the shared contract that app.js keeps live.

    The current room is the page's ``room`` (a room page, a topic, a room's settings), else the
    one whose URL the path starts with (the context processor's ``current_room_id``)."""
    page_room = context.get("room")
    current_room_id = page_room.pk if isinstance(page_room, Room) else context.get("current_room_id")
    hash_icon = icon("hash")
    no_rooms = escape(gettext("No rooms yet"))
    out: list[str] = []
    for community in communities:
        name = escape(community.name)
        out.append(
            f'<section class="sidebar-community" aria-labelledby="sidebar-community-{community.id}">'
            f'<h3 class="sidebar-community-name"><a id="sidebar-community-{community.id}" '
            f'href="{escape(community.url)}">{name}</a></h3><ul class="sidebar-rooms">'
        )
        for room in community.rooms:
            unread, mentions = int(room.unread), int(room.mentions)
            state = " is-unread" if unread else ""
            current = ' aria-current="page"' if room.id == current_room_id else ""
            unread_hidden = "" if unread else " hidden"
            mentions_hidden = "" if mentions else " hidden"
            out.append(
                f'<li><a class="sidebar-room{state}" href="{escape(room.url)}" data-room-id="{int(room.id)}" '
                f'data-read-seq="{int(room.read_seq)}" data-head-seq="{int(room.head_seq)}"{current}>'
                f'{hash_icon}<span class="sidebar-room-name">{escape(room.name)}</span>'
                f'<span class="badge" data-unread-count{unread_hidden}>{unread}</span>'
                f'<span class="badge badge-mention" data-mention-count{mentions_hidden}>{mentions}</span></a></li>'
            )
        if not community.rooms:
            out.append(f'<li class="sidebar-empty muted">{no_rooms}</li>')
        out.append("</ul></section>")
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped or an int


@register.simple_tag
def sidebar_conversations(conversations: Any, current_room_id: int | None = None) -> SafeString:
    """The sidebar's direct conversations: the same link markup as ``sidebar_rooms`` (class,
    data-room-id, read and head seqs, unread badge), so app.js keeps their counts live."""
    if not conversations:
        return mark_safe("")
    face = icon("message-square")
    out: list[str] = ['<ul class="sidebar-rooms sidebar-conversations">']
    for room in conversations:
        unread = int(room.unread)
        state = " is-unread" if unread else ""
        current = ' aria-current="page"' if room.id == current_room_id else ""
        hidden = "" if unread else " hidden"
        out.append(
            f'<li><a class="sidebar-room{state}" href="{escape(room.url)}" data-room-id="{int(room.id)}" '
            f'data-read-seq="{int(room.read_seq)}" data-head-seq="{int(room.head_seq)}"{current}>'
            f'{face}<span class="sidebar-room-name">{escape(room.name)}</span>'
            f'<span class="badge" data-unread-count{hidden}>{unread}</span></a></li>'
        )
    out.append("</ul>")
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped or an int
