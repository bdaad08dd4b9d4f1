"""A published lesson's discussion: its topic in the community it came from, and the latest messages.

Its own module so that ``LessonPage.get_context`` can use it without importing the selectors,
which import the page models (``models`` -> ``discussion`` -> forum; nothing imports back).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from forum import permissions as forum_permissions
from forum import selectors as forum_selectors

if TYPE_CHECKING:
    from knowledge_base.models import LessonPage


@dataclass(frozen=True)
class LessonDiscussion:
    topic: Any
    can_read: bool
    messages: list[Any]


def lesson_discussion(*, user: Any, lesson: LessonPage, limit: int = 5) -> LessonDiscussion:
    """The lesson's discussion topic and, for those who may read its room, its latest messages."""
    topic = lesson.discussion_topic if lesson.discussion_topic_id else None
    if topic is None:
        return LessonDiscussion(topic=None, can_read=False, messages=[])
    can_read = forum_permissions.can_read_room(user, topic.room)
    messages = forum_selectors.latest_messages(topic=topic, limit=limit) if can_read else []
    return LessonDiscussion(topic=topic, can_read=can_read, messages=messages)
