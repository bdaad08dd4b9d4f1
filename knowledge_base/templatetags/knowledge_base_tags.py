"""For the forum's topic page: {% load knowledge_base_tags %}{% topic_lesson_status topic %}."""

from __future__ import annotations

from typing import Any

from django import template

from forum import permissions as forum_permissions
from knowledge_base import selectors

register = template.Library()


@register.inclusion_tag("knowledge_base/includes/topic_lesson_status.html", takes_context=True)
def topic_lesson_status(context: Any, topic: Any) -> dict[str, Any]:
    request = context.get("request")
    # The forum's page passes its actor: the memberships it loaded serve this check too.
    actor = context.get("actor") or getattr(request, "user", None)
    return {
        "topic": topic,
        "status": selectors.lesson_status_for_topic(topic=topic),
        "can_promote": actor is not None and forum_permissions.can_moderate_community(actor, topic.room.community),
    }
