"""For the forum's topic page: {% load knowledge_base_tags %}{% topic_lesson_status topic %}."""

from __future__ import annotations

from typing import Any

from django import template

from knowledge_base import permissions, selectors

register = template.Library()


@register.inclusion_tag("knowledge_base/includes/topic_lesson_status.html", takes_context=True)
def topic_lesson_status(context: Any, topic: Any) -> dict[str, Any]:
    request = context.get("request")
    # The forum's page passes its actor: the memberships it loaded serve this check too.
    actor = context.get("actor") or getattr(request, "user", None)
    can_promote = actor is not None and permissions.can_promote(actor=actor, topic=topic)
    return {
        "topic": topic,
        "status": selectors.lesson_status_for_topic(topic=topic),
        "can_promote": can_promote,
        # Members propose; the same page (promote_topic) takes the proposal.
        "can_propose": not can_promote and actor is not None and permissions.can_propose(actor=actor, topic=topic),
    }
