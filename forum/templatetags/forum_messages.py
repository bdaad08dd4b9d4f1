"""The topic page's message list: ``{% load forum_messages %}{% message_list message_rows %}``.

Fifty messages a page, each with up to six forms. As a template loop that was some 37 template
nodes per message at about 4 µs each, even with every value precomputed; here each message is a
few ``format_html`` calls (as Django's admin renders its change-list rows). Everything is escaped
by ``format_html``; the rows come from ``forum.selectors.message_rows``, which decides what this
viewer may do (an empty URL means "not allowed"). Labels are translated once per page.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape, format_html, format_html_join
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


def _join(parts: list[SafeString], sep: str) -> SafeString:
    return mark_safe(sep.join(parts))  # noqa: S308  (every part is already escaped)


def _form(url: str, csrf: SafeString, label: SafeString) -> SafeString:
    return format_html(
        '<form method="post" action="{}" class="inline-form">{}<button type="submit" class="link-button">{}</button>'
        "</form>",
        url,
        csrf,
        label,
    )


def _actions(
    m: MessageRow, t: dict[str, SafeString], csrf: SafeString, options: SafeString, manage_url: str
) -> SafeString:
    parts: list[SafeString] = []
    if m.react_url:
        parts.append(
            format_html(
                '<form method="post" action="{}" class="inline-form">{}\n'
                '        <label for="react-{}" class="visually-hidden">{}</label>\n'
                '        <select name="emoji" id="react-{}">{}</select>\n'
                '        <button type="submit" class="link-button">{}</button></form>',
                m.react_url,
                csrf,
                m.pk,
                t["reaction"],
                m.pk,
                options,
                t["react"],
            )
        )
    if m.edit_url:
        parts.append(format_html('<a href="{}">{}</a>', m.edit_url, t["edit"]))
    if m.delete_url:
        parts.append(_form(m.delete_url, csrf, t["delete"]))
    if m.pin_url:
        parts.append(_form(m.pin_url, csrf, t["unpin"] if m.is_pinned else t["pin"]))
        parts.append(_form(m.hide_url, csrf, t["restore"] if m.is_hidden else t["hide"]))
    if m.can_accept:
        parts.append(
            format_html(
                '<form method="post" action="{}" class="inline-form">{}<input type="hidden" name="action" '
                'value="accept"><input type="hidden" name="message" value="{}"><button type="submit" '
                'class="link-button">{}</button></form>',
                manage_url,
                csrf,
                m.pk,
                t["accept"],
            )
        )
    if m.flag_url:
        parts.append(
            format_html(
                '<details><summary>{}</summary><form method="post" action="{}">{}<label for="flag-{}">{}</label>'
                '<input type="text" name="reason" id="flag-{}" maxlength="500" required>'
                '<button type="submit" class="button-small button">{}</button></form></details>',
                t["report"],
                m.flag_url,
                csrf,
                m.pk,
                t["why"],
                m.pk,
                t["report"],
            )
        )
    return format_html('<div class="message-actions">\n      {}\n    </div>', _join(parts, "\n      "))


def _article(
    m: MessageRow, t: dict[str, SafeString], csrf: SafeString, options: SafeString, manage_url: str
) -> SafeString:
    author = format_html('<a href="{}">{}</a>', m.author_url, m.author_name) if m.author_url else t["former_member"]
    meta = [
        format_html('<span class="message-author">{}</span>', author),
        format_html('<a href="#m{}"><time datetime="{}">{}</time></a>', m.seq, m.created_iso, m.created_label),
    ]
    if m.history_url:
        meta.append(format_html('<a href="{}">{}</a>', m.history_url, t["edited"]))
    if m.is_pinned:
        meta.append(format_html('<span class="tag">{}</span>', t["pinned"]))
    if m.is_accepted:
        meta.append(format_html('<span class="tag">{}</span>', t["accepted"]))
    if m.is_deleted:
        body = [format_html('<p class="message-deleted">{}</p>', t["deleted"])]
    elif m.hidden_from_viewer:
        body = [format_html('<p class="message-deleted">{}</p>', t["hidden"])]
    else:
        body = [format_html('<div class="message-body">{}</div>', m.body_html)]
        if m.attachments:
            body.append(
                format_html_join(
                    "",
                    '<p><a href="{}">{}</a> <span class="muted">({})</span></p>',
                    ((a.url, a.name, a.size) for a in m.attachments),
                )
            )
        body.append(
            format_html(
                '<div class="reactions">{}</div>', format_html_join("", '<span class="tag">{} {}</span>', m.reactions)
            )
        )
        if m.actions:
            body.append(_actions(m, t, csrf, options, manage_url))
    return format_html(
        '<article class="message" id="m{}" data-seq="{}" data-message-id="{}">\n'
        '  <div class="message-meta">\n    {}\n  </div>\n  {}\n</article>\n',
        m.seq,
        m.seq,
        m.pk,
        _join(meta, "\n    "),
        _join(body, "\n    "),
    )


@register.simple_tag(takes_context=True)
def message_list(context: Any, rows: Sequence[MessageRow]) -> SafeString:
    """Needs ``csrf_input`` and ``react_options`` (made once by the view) and ``topic`` in the context."""
    if not rows:
        return format_html('<p class="empty-state">{}</p>', _("No messages yet."))
    t = _labels()
    csrf, options = context["csrf_input"], context["react_options"]
    manage_url = reverse("forum:topic_manage", args=[context["topic"].pk])
    return _join([_article(m, t, csrf, options, manage_url) for m in rows], "")
