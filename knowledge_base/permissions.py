"""Who may do what in the knowledge base: plain functions of the actor (a user or ``accounts.actor.Actor``)."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from wagtail.models import GroupPagePermission

from core.compiled import CompiledQuery
from forum import permissions as forum_permissions
from forum.models import Topic
from knowledge_base.models import LessonIndexPage, LessonProposal


def is_editor(*, actor: Any) -> bool:
    """May add lessons in the knowledge base (editors, reviewers, admins: Wagtail's page permissions)."""
    user = getattr(actor, "user", actor)
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return LessonIndexPage.objects.exists()
    return bool(_EDITOR.rows(member=user.pk))


def _editor_query(member: int) -> QuerySet[Any, Any]:
    # Wagtail's rule (a group of the user may add pages at the index or above it), asked in one
    # query instead of three.
    index_below = LessonIndexPage.objects.filter(path__startswith=OuterRef("page__path"))
    return (
        GroupPagePermission.objects.filter(group__user=member, permission__codename="add_page")
        .filter(Exists(index_below))
        .values_list("pk")[:1]
    )


# The topic page asks it of every reader who does not facilitate: compiled once.
_EDITOR = CompiledQuery(_editor_query, "member")


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


def can_follow_theme(*, actor: Any, theme: Any) -> bool:
    """Any active member may follow a live theme that everyone may read."""
    return bool(
        actor is not None
        and actor.is_authenticated
        and actor.is_active
        and theme.live
        and not theme.get_view_restrictions().exists()
    )
