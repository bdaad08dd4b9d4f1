"""Who may do what in the knowledge base: plain functions of the actor (a user or ``accounts.actor.Actor``)."""

from __future__ import annotations

from typing import Any

from forum import permissions as forum_permissions
from forum.models import Topic
from knowledge_base.models import LessonIndexPage, LessonProposal


def is_editor(*, actor: Any) -> bool:
    """May add lessons in the knowledge base (editors, reviewers, admins: Wagtail's page permissions)."""
    user = getattr(actor, "user", actor)
    if not getattr(user, "is_authenticated", False):
        return False
    index = LessonIndexPage.objects.first()
    return index is not None and index.permissions_for_user(user).can_add_subpage()


def can_promote(*, actor: Any, topic: Topic) -> bool:
    """Facilitators of the conversation's community, and editors who can read it, make a draft lesson of it."""
    return forum_permissions.can_moderate_community(actor, topic.room.community) or (
        forum_permissions.can_read_room(actor, topic.room) and is_editor(actor=actor)
    )


def can_propose(*, actor: Any, topic: Topic) -> bool:
    """Any member who can read the conversation may propose it as a lesson."""
    return bool(getattr(getattr(actor, "user", actor), "is_authenticated", False)) and (
        forum_permissions.can_read_room(actor, topic.room)
    )


def can_decide(*, actor: Any, proposal: LessonProposal) -> bool:
    return can_promote(actor=actor, topic=proposal.topic)
