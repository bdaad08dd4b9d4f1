"""The one renderer of a message ``<article>``, its reactions bar and a room's topic row.

Used by the topic page (``{% message_list %}``), the older-messages fragment and the live
frames (``article``, ``chips``, ``row``), so a message looks the same however it arrived. The
markup is viewer-independent (no per-message forms): the client shows the actions from the
article's data attributes and the section's capabilities; the server checks every action.

Fast by construction: f-strings, every value from the database escaped with ``_e``, labels
translated once per call, profile URLs reversed once per author.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from html import escape as html_escape
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

# Consecutive messages of one author within this many seconds are grouped (avatar and meta hidden).
GROUP_SECONDS = 300
REPLY_EXCERPT = 140


def _e(value: Any) -> str:
    """``conditional_escape`` without its lazy-text wrapper (called for every value of a page)."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html_escape(str(value))


@dataclass(frozen=True, slots=True)
class AttachmentView:
    pk: int
    name: str
    size: int
    is_image: bool
    caption: str = ""
    width: int | None = None  # the thumbnail's size when there is one, else the image's
    height: int | None = None
    has_thumbnail: bool = False


@dataclass(frozen=True, slots=True)
class ReplyView:
    """The message a message answers: its seq, author and a short excerpt (empty when deleted)."""

    seq: int
    author_name: str
    excerpt: str
    gone: bool = False  # deleted or hidden


@dataclass(slots=True)
class MessageView:
    """Everything a message's article shows, as plain values (from a page query or a model)."""

    pk: int
    seq: int
    author_id: int | None
    author_name: str  # "" for a former member
    organisation: str
    avatar: str  # the stored avatar's name, "" when none
    created_at: datetime
    edited: bool
    deleted: bool
    hidden: bool
    pinned: bool
    body_html: str
    accepted: bool = False
    reply: ReplyView | None = None
    attachments: list[AttachmentView] = field(default_factory=list)
    reactions: dict[str, list[int]] = field(default_factory=dict)
    reply_to_id: int | None = None
    has_attachments: bool = False
    room_id: int = 0
    topic_id: int = 0
    client_id: str = ""


def initials(name: str) -> str:
    """ "Sanne de Vries" -> "SV": the first letters of the first and last word."""
    words = [w for w in name.split() if w[:1].isalnum()]
    if not words:
        return "?"
    if len(words) == 1:
        return words[0][:2].upper()
    return (words[0][0] + words[-1][0]).upper()


def avatar_url(stored_name: str) -> str:
    return f"{settings.MEDIA_URL}{quote(stored_name)}" if stored_name else ""


def excerpt_of(search_text: str, limit: int = REPLY_EXCERPT) -> str:
    """A message's plain text (``search_text`` is "title\\ntext") cut to ``limit`` characters."""
    text = " ".join(search_text.partition("\n")[2].split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@functools.cache
def _label_texts(language: str | None) -> tuple[str, ...]:
    """The labels in one language, escaped: the same for every render in that language."""
    return tuple(
        _e(text)
        for text in (
            _("former member"),
            _("edited"),
            _("pinned"),
            _("accepted answer"),
            _("This message was deleted."),
            _("This message was hidden by a facilitator."),
            _("In reply to"),
            _("The original message is no longer available."),
        )
    )


@functools.cache
def _profile_url_parts(language: str | None) -> tuple[str, str]:
    """A profile's address around its id, reversed once (a live post renders one article alone)."""
    before, _sep, after = reverse("accounts:profile", args=[987654321]).partition("987654321")
    return before, after


class Labels:
    """The translated labels of one render call (once per page, not per message)."""

    def __init__(self) -> None:
        language = get_language()
        (
            self.former_member,
            self.edited,
            self.pinned,
            self.accepted,
            self.deleted,
            self.hidden,
            self.reply_to,
            self.reply_gone,
        ) = _label_texts(language)
        self._profile_url = _profile_url_parts(language)
        self.months: dict[int, str] = {}
        self.profiles: dict[int, str] = {}

    def month(self, number: int) -> str:
        if number not in self.months:
            self.months[number] = str(MONTHS_3[number]).title()
        return self.months[number]

    def profile(self, user_id: int) -> str:
        if user_id not in self.profiles:
            before, after = self._profile_url
            self.profiles[user_id] = _e(f"{before}{int(user_id)}{after}")
        return self.profiles[user_id]


def exact_time(created: datetime, labels: Labels | None = None) -> str:
    """The exact fallback label of a message's time, "3 Dec 2026 08:23", in the active language."""
    labels = labels or Labels()
    local = timezone.localtime(created)
    return f"{local.day} {labels.month(local.month)} {local.year:04d} {local:%H:%M}"


def render_reactions(
    reactions: dict[str, list[int]], names: dict[int, str] | None = None, viewer_id: int | None = None
) -> str:
    """The chips of a reactions bar (its inside): one button per emoji with its count and who reacted."""
    names = names or {}
    chips = []
    for emoji, users in reactions.items():
        if not users:
            continue
        who = ", ".join(names.get(u, "") for u in users if names.get(u))
        pressed = "true" if viewer_id is not None and viewer_id in users else "false"
        chips.append(
            f'<button type="button" class="reaction" data-emoji="{_e(emoji)}" '
            f'data-users="{",".join(str(u) for u in users)}" aria-pressed="{pressed}" title="{_e(who)}">'
            f"{_e(emoji)} <span>{len(users)}</span></button>"
        )
    return "".join(chips)


def _attachments(items: Sequence[AttachmentView]) -> str:
    parts = []
    for a in items:
        url = _e(reverse("forum:attachment", args=[a.pk]))
        if a.is_image:
            src = _e(reverse("forum:attachment_thumbnail", args=[a.pk])) if a.has_thumbnail else url
            size = f' width="{a.width}" height="{a.height}"' if a.width and a.height else ""
            caption = f"<figcaption>{_e(a.caption)}</figcaption>" if a.caption else ""
            parts.append(
                f'<figure class="attachment-image"><a href="{url}"><img src="{src}" alt="{_e(a.caption or a.name)}"'
                f'{size} loading="lazy"></a>{caption}</figure>'
            )
        else:
            caption = f' <span class="attachment-caption">{_e(a.caption)}</span>' if a.caption else ""
            parts.append(
                f'<a class="attachment-file" href="{url}" download>{_e(a.name)} '
                f"<span>{_e(filesizeformat(a.size))}</span></a>{caption}"
            )
    return f'<div class="message-attachments">{"".join(parts)}</div>'


def render_article(
    m: MessageView,
    *,
    labels: Labels | None = None,
    grouped: bool = False,
    show_hidden: bool = False,
    names: dict[int, str] | None = None,
    viewer_id: int | None = None,
    id_prefix: str = "m",
) -> str:
    """One message's ``<article>`` (the contract markup in ``docs/protocol.md``).

    ``show_hidden``: a facilitator's page shows a hidden message's text (marked ``data-hidden``);
    everyone else, and every live frame, gets the placeholder.
    """
    t = labels or Labels()
    seq = m.seq
    created = timezone.localtime(m.created_at)
    iso = created.isoformat()
    flags = ""
    if m.pinned:
        flags += " data-pinned"
    if m.hidden:
        flags += " data-hidden"
    if m.deleted:
        flags += " data-deleted"
    if m.accepted:
        flags += " data-accepted"
    author_id = "" if m.author_id is None else str(m.author_id)
    if m.author_id is not None:
        profile = t.profile(m.author_id)
        name = _e(m.author_name)
        if m.avatar:
            face = f'<img class="avatar avatar-m" src="{_e(avatar_url(m.avatar))}" alt="" width="40" height="40">'
        else:
            face = f'<span class="avatar avatar-m" aria-hidden="true">{_e(initials(m.author_name))}</span>'
        avatar = f'<a class="message-avatar" href="{profile}" tabindex="-1" aria-hidden="true">{face}</a>'
        author = f'<a class="message-author" href="{profile}">{name}</a>'
        if m.organisation:
            author += f' <span class="muted">{_e(m.organisation)}</span>'
    else:
        avatar = '<span class="message-avatar"><span class="avatar avatar-m" aria-hidden="true">?</span></span>'
        author = f'<span class="message-author">{t.former_member}</span>'
    meta = [
        author,
        f'<a class="message-time" href="#m{seq}"><time datetime="{iso}" data-format="relative">'
        f"{created.day} {t.month(created.month)} {created.year:04d} {created:%H:%M}</time></a>",
    ]
    if m.edited and not m.deleted:
        meta.append(
            f'<a class="message-edited" href="{_e(reverse("forum:message_history", args=[m.pk]))}">{t.edited}</a>'
        )
    if m.pinned:
        meta.append(f'<span class="tag">{t.pinned}</span>')
    if m.accepted:
        meta.append(f'<span class="tag">{t.accepted}</span>')
    parts = [avatar, f'<header class="message-meta">{" ".join(meta)}</header>']
    if m.reply is not None and not m.deleted:
        r = m.reply
        excerpt = t.reply_gone if r.gone else _e(r.excerpt)
        who = _e(r.author_name) if r.author_name else t.former_member
        parts.append(
            f'<blockquote class="message-reply" data-reply-seq="{r.seq}"><a href="#m{r.seq}">'
            f'<span class="visually-hidden">{t.reply_to} </span>{who}</a> {excerpt}</blockquote>'
        )
    if m.deleted:
        parts.append(f'<div class="message-body"><p class="message-deleted">{t.deleted}</p></div>')
        parts.append('<div class="reactions" data-reactions></div>')
    elif m.hidden and not show_hidden:
        parts.append(f'<div class="message-body"><p class="message-deleted">{t.hidden}</p></div>')
        parts.append('<div class="reactions" data-reactions></div>')
    else:
        parts.append(f'<div class="message-body">{m.body_html}</div>')  # sanitised at write time
        if m.attachments:
            parts.append(_attachments(m.attachments))
        parts.append(f'<div class="reactions" data-reactions>{render_reactions(m.reactions, names, viewer_id)}</div>')
    classes = "message message-grouped" if grouped else "message"
    return (
        f'<article class="{classes}" id="{id_prefix}{seq}" data-seq="{seq}" data-message-id="{m.pk}" '
        f'data-author-id="{author_id}" data-created="{iso}"{flags} tabindex="-1">'
        f"{''.join(parts)}</article>\n"
    )


def groups_with_previous(previous: MessageView | None, m: MessageView) -> bool:
    """Consecutive messages of one author within GROUP_SECONDS, neither deleted, not a reply."""
    return (
        previous is not None
        and m.author_id is not None
        and previous.author_id == m.author_id
        and not previous.deleted
        and not m.deleted
        and m.reply is None
        and 0 <= (m.created_at - previous.created_at).total_seconds() <= GROUP_SECONDS
    )


def render_list(
    messages: Sequence[MessageView],
    *,
    show_hidden: bool = False,
    names: dict[int, str] | None = None,
    viewer_id: int | None = None,
    accepted: MessageView | None = None,
    first_seq: int | None = None,
) -> str:
    """A page's (or fragment's) articles, grouped; with ``accepted``, the accepted answer again in a
    ``<section class="accepted-answer">`` right after the topic's first message (``first_seq``) when
    that message is in this list."""
    t = Labels()
    out: list[str] = []
    answer = ""
    if accepted is not None and messages and messages[0].seq == first_seq:
        answer = (
            f'<section class="accepted-answer" aria-label="{_e(_("Accepted answer"))}">'
            + render_article(
                accepted, labels=t, show_hidden=show_hidden, names=names, viewer_id=viewer_id, id_prefix="answer-m"
            )
            + "</section>\n"
        )
    previous: MessageView | None = None
    for m in messages:
        grouped = groups_with_previous(previous, m)
        out.append(
            render_article(m, labels=t, grouped=grouped, show_hidden=show_hidden, names=names, viewer_id=viewer_id)
        )
        if answer:
            out.append(answer)
            answer = ""
        previous = m
    return "".join(out)


# --- a room's topic rows ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TopicRowView:
    pk: int
    title: str
    message_count: int
    last_seq: int
    resolved: bool
    is_question: bool
    last_message_at: datetime | None
    read_seq: int | None = None  # the viewer's, on the page; None in live frames


def render_topic_row(row: TopicRowView) -> str:
    """``<li class="topic-row" data-topic-id data-last-seq>``: the room page's list and ``topic`` frames."""
    url = _e(reverse("forum:topic", args=[row.pk]))
    tags = ""
    if row.is_question:
        tags += f' <span class="tag">{_e(_("practice question"))}</span>'
    if row.resolved:
        tags += f' <span class="tag">{_e(_("resolved"))}</span>'
    when = ""
    if row.last_message_at is not None:
        local = timezone.localtime(row.last_message_at)
        when = (
            f' <time datetime="{local.isoformat()}" data-format="relative">{_e(exact_time(row.last_message_at))}</time>'
        )
    counted = _e(ngettext("%(count)d message", "%(count)d messages", row.message_count) % {"count": row.message_count})
    read = "" if row.read_seq is None else f' data-read-seq="{row.read_seq}"'
    unread = " topic-unread" if row.read_seq is not None and row.read_seq < row.last_seq else ""
    return (
        f'<li class="topic-row{unread}" data-topic-id="{row.pk}" data-last-seq="{row.last_seq}"{read}>'
        f'<a href="{url}">{_e(row.title)}</a>{tags}'
        f' <span class="topic-meta muted"><span data-message-count>{counted}</span>{when}</span></li>\n'
    )


def topic_row_view(topic: Any, *, read_seq: int | None = None) -> TopicRowView:
    """A ``Topic`` as its row shows it."""
    return TopicRowView(
        pk=topic.pk,
        title=topic.title,
        message_count=topic.message_count,
        last_seq=topic.last_seq,
        resolved=topic.is_resolved,
        is_question=topic.is_question,
        last_message_at=topic.last_message_at,
        read_seq=read_seq,
    )
