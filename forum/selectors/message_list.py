"""What the topic page's message section tells the client about the viewer, decided once per page.

The articles themselves are viewer-independent (``forum.message_markup``); the section's data
attributes carry the viewer's capabilities and read state, from which the client shows actions.
The server still checks every action.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString


@dataclass(frozen=True, slots=True)
class TopicViewer:
    """What the viewer may do on one topic page, decided once for the page from their role."""

    user_id: int | None
    can_post: bool
    can_moderate: bool
    can_manage: bool
    can_accept: bool = False


def first_unread_seq(*, read_seq: int | None, shown_seqs: list[int]) -> int | None:
    """The first message shown after the viewer's read marker (None when everything is read)."""
    marker = read_seq or 0
    return next((seq for seq in shown_seqs if seq > marker), None)


def section_attributes(
    *,
    room_id: int,
    topic_id: int,
    head_seq: int,
    viewer: TopicViewer,
    first_unread: int | None,
    oldest_seq: int | None,
    has_older: bool,
) -> SafeString:
    """The ``data-*`` attributes of ``<section class="messages">`` (the contract), escaped."""

    def flag(value: bool) -> str:
        return "true" if value else "false"

    return format_html(
        'data-room="{}" data-topic="{}" data-head-seq="{}" data-first-unread-seq="{}" data-viewer-id="{}" '
        'data-can-post="{}" data-can-moderate="{}" data-can-accept="{}" data-oldest-seq="{}" data-has-older="{}"',
        room_id,
        topic_id,
        head_seq,
        "" if first_unread is None else first_unread,
        "" if viewer.user_id is None else viewer.user_id,
        flag(viewer.can_post),
        flag(viewer.can_moderate),
        flag(viewer.can_accept),
        "" if oldest_seq is None else oldest_seq,
        flag(has_older),
    )
