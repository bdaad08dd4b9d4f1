"""Thin template wrappers around ``forum.message_markup``, the one renderer of messages and topic rows.

``{% load forum_messages %}{% message_list message_rows %}`` renders the topic page's articles
(``message_rows`` is a ``forum.selectors.MessagePage``; the view puts ``topic_viewer``,
``accepted_view`` and ``first_message_seq`` in the context); ``{% topic_row topic %}`` renders
one ``<li class="topic-row">`` of a room's topic list (a ``Topic``, with ``read_seq`` when the
selector annotated it).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from forum.message_markup import render_list, render_topic_row, topic_row_view

register = template.Library()


@register.simple_tag(takes_context=True)
def message_list(context: Any, page: Any) -> SafeString:
    if not page.messages and context.get("accepted_view") is None:
        return format_html('<p class="empty-state">{}</p>', _("No messages yet."))
    viewer = context.get("topic_viewer")
    html = render_list(
        page.messages,
        show_hidden=bool(viewer and viewer.can_moderate),
        names=page.names,
        viewer_id=viewer.user_id if viewer else None,
        accepted=context.get("accepted_view"),
        first_seq=context.get("first_message_seq"),
    )
    return mark_safe(html)  # noqa: S308  (every value escaped in forum.message_markup)


@register.simple_tag
def topic_row(topic: Any) -> SafeString:
    return mark_safe(render_topic_row(topic_row_view(topic, read_seq=getattr(topic, "read_seq", None))))  # noqa: S308
