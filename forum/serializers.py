"""The wire shape of forum objects, shared by live events and history replay."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from forum.message_markup import (
    AttachmentView,
    Labels,
    MessageView,
    render_article,
    render_reactions,
    render_topic_row,
    topic_row_view,
)
from forum.models import Attachment, Message, Reaction, Topic


def group_reactions(rows: Iterable[tuple[str, int]]) -> dict[str, list[int]]:
    """(emoji, user_id) pairs as {emoji: [user ids]}, the shape pages and frames use."""
    grouped: dict[str, list[int]] = {}
    for emoji, user_id in rows:
        grouped.setdefault(emoji, []).append(user_id)
    return grouped


def reactions_with_names(message_id: int) -> tuple[dict[str, list[int]], dict[int, str]]:
    """A message's reactions {emoji: [user ids]} (by member, then emoji) and the reactors' names: one query."""
    grouped: dict[str, list[int]] = {}
    names: dict[int, str] = {}
    for emoji, user_id, name in (
        Reaction.objects.filter(message_id=message_id)
        .order_by("user_id", "emoji")
        .values_list("emoji", "user_id", "user__profile__display_name")
    ):
        grouped.setdefault(emoji, []).append(user_id)
        names[user_id] = name or ""
    return grouped, names


def reaction_frame(message: Message) -> dict[str, Any]:
    """The ``reaction`` frame: the reactions and the rendered chips of the message's reactions bar."""
    reactions, names = reactions_with_names(message.pk)
    return {
        "type": "reaction",
        "room": message.room_id,
        "topic": message.topic_id,
        "seq": message.seq,
        "reactions": reactions,
        "chips": render_reactions(reactions, names),
    }


def author_name(message: Message) -> str:
    return message.author.display_name if message.author_id and message.author else _("former member")


def attachment_view(attachment: Attachment) -> AttachmentView:
    return AttachmentView(
        pk=attachment.pk,
        name=attachment.original_name,
        size=attachment.size,
        is_image=attachment.is_image,
        caption=attachment.caption,
        width=attachment.thumbnail_width or attachment.width,
        height=attachment.thumbnail_height or attachment.height,
        has_thumbnail=bool(attachment.thumbnail),
    )


def message_frame(
    message: Message,
    *,
    author_name: str,
    reactions: dict[str, list[int]] | None = None,
    article: str = "",
    reply_to_seq: int | None = None,
) -> dict[str, Any]:
    """A ``message`` frame; ``article`` is the message's rendered ``<article>`` (``forum.message_markup``),
    made once when the message is announced, not per viewer."""
    deleted = message.deleted_at is not None or message.is_hidden
    return {
        "type": "message",
        "room": message.room_id,
        "topic": message.topic_id,
        "seq": message.seq,
        "id": message.pk,
        "client_id": str(message.client_id),
        "author": {"id": message.author_id, "name": author_name},
        "html": "" if deleted else message.body_html,
        "deleted": deleted,
        "edited": message.edited_at is not None,
        "pinned": message.is_pinned,
        "created_at": message.created_at.isoformat(),
        "reactions": reactions or {},
        "reply_to": reply_to_seq,
        "article": article,
    }


def view_frame(
    view: MessageView, *, names: dict[int, str] | None = None, kind: str = "message", labels: Labels | None = None
) -> dict[str, Any]:
    """A ``message`` (or ``message_edited``) frame from a loaded message (``selectors.load_messages``),
    with its article rendered as every viewer but a facilitator's page shows it. Pass one ``labels``
    for many frames (translations and profile URLs made once)."""
    deleted = view.deleted or view.hidden
    return {
        "type": kind,
        "room": view.room_id,
        "topic": view.topic_id,
        "seq": view.seq,
        "id": view.pk,
        "client_id": view.client_id,
        "author": {"id": view.author_id, "name": view.author_name or _("former member")},
        "html": "" if deleted else view.body_html,
        "deleted": deleted,
        "edited": view.edited,
        "pinned": view.pinned,
        "created_at": view.created_at.isoformat(),
        "reactions": view.reactions,
        "reply_to": view.reply.seq if view.reply is not None and view.reply.seq else None,
        "article": render_article(view, names=names, labels=labels),
    }


def topic_frame(topic: Topic, *, moved_to: int | None = None, room_id: int | None = None) -> dict[str, Any]:
    """The ``topic`` frame: the topic's state and its rendered row for the room page."""
    return {
        "type": "topic",
        "room": room_id if room_id is not None else topic.room_id,
        "topic": topic.pk,
        "title": topic.title,
        "resolved": topic.is_resolved,
        "accepted_answer": topic.accepted_answer_id,
        "message_count": topic.message_count,
        "last_seq": topic.last_seq,
        "moved_to": moved_to,
        "row": render_topic_row(topic_row_view(topic)),
    }
