"""The topic page's message list: display data computed once per page, not per template tag."""

from __future__ import annotations

from dataclasses import dataclass

from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.safestring import SafeString, mark_safe

from forum.models import (
    Topic,
)
from forum.selectors.topics import PageMessage


@dataclass(frozen=True, slots=True)
class TopicViewer:
    """What the viewer may do on one topic page, decided once for the page from their role."""

    user_id: int | None
    can_post: bool
    can_moderate: bool
    can_manage: bool


@dataclass(frozen=True, slots=True)
class AttachmentRow:
    url: str
    name: str
    size: str


@dataclass(frozen=True, slots=True)
class MessageRow:
    """One message as the topic page shows it. An empty URL means the viewer may not do that.

    ``pk`` and ``seq`` are text: the template would put an int through number localisation each time.
    """

    pk: str
    seq: str
    author_name: str  # "" for a former member
    author_url: str
    created_iso: str
    created_label: str  # as {{ created_at|date:"j M Y H:i" }}
    history_url: str  # edited and not deleted
    is_pinned: bool
    is_hidden: bool
    is_accepted: bool
    is_deleted: bool
    hidden_from_viewer: bool  # hidden by a facilitator; facilitators still see it
    body_html: SafeString
    attachments: list[AttachmentRow]
    reactions: list[tuple[str, int]]
    actions: bool  # shown, to a signed-in viewer
    react_url: str
    edit_url: str
    delete_url: str
    pin_url: str
    hide_url: str
    can_accept: bool
    flag_url: str


_MARK = 987654321


class _UrlFormat:
    """Reverse a URL once with a marker for the id, then make each row's URL by joining strings."""

    def __init__(self, name: str, *rest: str) -> None:
        self.head, self.tail = reverse(name, args=[_MARK, *rest]).split(str(_MARK))

    def __call__(self, pk: int) -> str:
        return f"{self.head}{pk}{self.tail}"


def message_rows(*, messages: list[PageMessage], topic: Topic, viewer: TopicViewer) -> list[MessageRow]:
    """The topic page's rows: URLs, labels, dates and the viewer's actions, without a query."""
    profile = _UrlFormat("accounts:profile")
    history = _UrlFormat("forum:message_history")
    edit = _UrlFormat("forum:message_edit")
    attachment = _UrlFormat("forum:attachment")
    action = {
        name: _UrlFormat("forum:message_action", name)
        for name in ("react", "delete", "pin", "unpin", "hide", "restore", "flag")
    }
    uid, can_post, can_moderate = viewer.user_id, viewer.can_post, viewer.can_moderate
    accept_possible = topic.is_question and viewer.can_manage
    signed_in = uid is not None
    current = timezone.get_current_timezone()
    months: dict[int, str] = {}

    def month(number: int) -> str:
        """As the date filter's "M" (translated once per month per page, not per message)."""
        if number not in months:
            months[number] = MONTHS_3[number].title()
        return months[number]

    rows = []
    for m in messages:
        pk = m.pk
        deleted = m.deleted_at is not None
        hidden = m.is_hidden and not can_moderate
        shown = not deleted and not hidden
        acts = signed_in and shown
        own = m.author_id == uid
        created = timezone.localtime(m.created_at, current)
        rows.append(
            MessageRow(
                pk=str(pk),
                seq=str(m.seq),
                author_name=m.author_name,
                author_url=profile(m.author_id) if m.author_id is not None else "",
                created_iso=created.isoformat(),
                created_label=f"{created.day} {month(created.month)} {created.year:04d} {created:%H:%M}",
                history_url=history(pk) if m.edited_at and not deleted else "",
                is_pinned=m.is_pinned,
                is_hidden=m.is_hidden,
                is_accepted=topic.accepted_answer_id == pk,
                is_deleted=deleted,
                hidden_from_viewer=hidden,
                body_html=mark_safe(m.body_html) if shown else SafeString(),  # noqa: S308  (sanitised at write time)
                attachments=[
                    AttachmentRow(attachment(a_id), name, filesizeformat(size))
                    for a_id, name, size in m.attachment_list
                ]
                if shown
                else [],
                reactions=[(emoji, len(users)) for emoji, users in m.reaction_summary.items()],
                actions=acts,
                react_url=action["react"](pk) if acts and can_post else "",
                edit_url=edit(pk) if acts and own and can_post else "",
                delete_url=action["delete"](pk) if acts and (own or can_moderate) else "",
                pin_url=action["unpin" if m.is_pinned else "pin"](pk) if acts and can_moderate else "",
                hide_url=action["restore" if m.is_hidden else "hide"](pk) if acts and can_moderate else "",
                can_accept=acts and accept_possible and topic.accepted_answer_id != pk,
                flag_url=action["flag"](pk) if acts and not own else "",
            )
        )
    return rows
