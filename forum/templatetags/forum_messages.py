"""The topic page's message list: ``{% load forum_messages %}{% message_list message_rows %}``.

Fifty messages a page, each with up to six forms. As a template loop that was some 37 template
nodes per message at about 4 µs each, even with every value precomputed; here each message is a
few f-strings. Every value from a row is escaped with ``_e`` (``conditional_escape`` minus the
lazy-text wrapper that ``format_html`` pays on each of some 1,500 values a page); labels, the
CSRF input and the reaction options are escaped once per page. The rows come from
``forum.selectors.message_rows``, which decides what this viewer may do (an empty URL means
"not allowed").
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape as html_escape
from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from forum.selectors import MessageRow

register = template.Library()


def _labels() -> dict[str, SafeString]:
    return {
        key: conditional_escape(text)
        for key, text in {
            "former_member": _("former member"),
            "edited": _("edited"),
            "pinned": _("pinned"),
            "accepted": _("accepted answer"),
            "deleted": _("This message was deleted."),
            "hidden": _("This message was hidden by a facilitator."),
            "reaction": _("Reaction"),
            "react": _("React"),
            "edit": _("Edit"),
            "delete": _("Delete"),
            "unpin": _("Unpin"),
            "pin": _("Pin"),
            "restore": _("Restore"),
            "hide": _("Hide"),
            "accept": _("Accept as answer"),
            "report": _("Report"),
            "why": _("Why should a facilitator look at this?"),
        }.items()
    }


_LINE = "\n    "
_ACTION_LINE = "\n      "


def _e(value: Any) -> str:
    """``conditional_escape`` without its lazy-text wrapper: called some 1,500 times a page.

    The same result: markup that is already safe (``__html__``) is kept, anything else goes
    through ``html.escape`` (``&<>"'``), as ``django.utils.html.escape`` does.
    """
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html_escape(str(value))


def _form(url: str, csrf: str, label: str) -> str:
    return (
        f'<form method="post" action="{_e(url)}" class="inline-form">{csrf}'
        f'<button type="submit" class="link-button">{label}</button></form>'
    )


def _actions(m: MessageRow, t: dict[str, SafeString], csrf: str, options: str, manage_url: str) -> str:
    """The viewer's actions on one message. ``t``, ``csrf``, ``options`` are safe markup already."""
    parts: list[str] = []
    pk = _e(m.pk)
    if m.react_url:
        parts.append(
            f'<form method="post" action="{_e(m.react_url)}" class="inline-form">{csrf}\n'
            f'        <label for="react-{pk}" class="visually-hidden">{t["reaction"]}</label>\n'
            f'        <select name="emoji" id="react-{pk}">{options}</select>\n'
            f'        <button type="submit" class="link-button">{t["react"]}</button></form>'
        )
    if m.edit_url:
        parts.append(f'<a href="{_e(m.edit_url)}">{t["edit"]}</a>')
    if m.delete_url:
        parts.append(_form(m.delete_url, csrf, t["delete"]))
    if m.pin_url:
        parts.append(_form(m.pin_url, csrf, t["unpin"] if m.is_pinned else t["pin"]))
        parts.append(_form(m.hide_url, csrf, t["restore"] if m.is_hidden else t["hide"]))
    if m.can_accept:
        parts.append(
            f'<form method="post" action="{_e(manage_url)}" class="inline-form">{csrf}<input type="hidden" '
            f'name="action" value="accept"><input type="hidden" name="message" value="{pk}"><button '
            f'type="submit" class="link-button">{t["accept"]}</button></form>'
        )
    if m.flag_url:
        parts.append(
            f'<details><summary>{t["report"]}</summary><form method="post" action="{_e(m.flag_url)}">{csrf}'
            f'<label for="flag-{pk}">{t["why"]}</label>'
            f'<input type="text" name="reason" id="flag-{pk}" maxlength="500" required>'
            f'<button type="submit" class="button-small button">{t["report"]}</button></form></details>'
        )
    return f'<div class="message-actions">\n      {_ACTION_LINE.join(parts)}\n    </div>'


def _article(m: MessageRow, t: dict[str, SafeString], csrf: str, options: str, manage_url: str) -> str:
    """One message's markup: every value from the row is escaped here (``_e``) or is safe already."""
    seq = _e(m.seq)
    author = f'<a href="{_e(m.author_url)}">{_e(m.author_name)}</a>' if m.author_url else t["former_member"]
    meta = [
        f'<span class="message-author">{author}</span>',
        f'<a href="#m{seq}"><time datetime="{_e(m.created_iso)}">{_e(m.created_label)}</time></a>',
    ]
    if m.history_url:
        meta.append(f'<a href="{_e(m.history_url)}">{t["edited"]}</a>')
    if m.is_pinned:
        meta.append(f'<span class="tag">{t["pinned"]}</span>')
    if m.is_accepted:
        meta.append(f'<span class="tag">{t["accepted"]}</span>')
    if m.is_deleted:
        body = [f'<p class="message-deleted">{t["deleted"]}</p>']
    elif m.hidden_from_viewer:
        body = [f'<p class="message-deleted">{t["hidden"]}</p>']
    else:
        body = [f'<div class="message-body">{_e(m.body_html)}</div>']
        if m.attachments:
            body.append(
                "".join(
                    f'<p><a href="{_e(a.url)}">{_e(a.name)}</a> <span class="muted">({_e(a.size)})</span></p>'
                    for a in m.attachments
                )
            )
        reactions = "".join(f'<span class="tag">{_e(emoji)} {_e(count)}</span>' for emoji, count in m.reactions)
        body.append(f'<div class="reactions">{reactions}</div>')
        if m.actions:
            body.append(_actions(m, t, csrf, options, manage_url))
    return (
        f'<article class="message" id="m{seq}" data-seq="{seq}" data-message-id="{_e(m.pk)}">\n'
        f'  <div class="message-meta">\n    {_LINE.join(meta)}\n  </div>\n  {_LINE.join(body)}\n</article>\n'
    )


@register.simple_tag(takes_context=True)
def message_list(context: Any, rows: Sequence[MessageRow]) -> SafeString:
    """Needs ``csrf_input`` and ``react_options`` (made once by the view) and ``topic`` in the context."""
    if not rows:
        return format_html('<p class="empty-state">{}</p>', _("No messages yet."))
    t = _labels()
    csrf, options = _e(context["csrf_input"]), _e(context["react_options"])
    manage_url = reverse("forum:topic_manage", args=[context["topic"].pk])
    return mark_safe("".join([_article(m, t, csrf, options, manage_url) for m in rows]))  # noqa: S308  (escaped in _article)
