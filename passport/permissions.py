"""Who may define and award achievements, endorse, and see a passport: plain functions of the actor."""

from __future__ import annotations

from accounts.actor import Actor, as_actor
from accounts.models import User
from forum import permissions as forum_permissions
from forum.models import Community
from mentoring.models import Programme
from passport.models import Achievement, Award

# Wagtail's groups: the knowledge base's editors and reviewers.
EDITOR_GROUPS = ("Editors", "Moderators")


def is_editor(actor: Actor | User) -> bool:
    actor = as_actor(actor)
    if not actor.is_authenticated:
        return False
    return actor.is_platform_admin or actor.member.groups.filter(name__in=EDITOR_GROUPS).exists()


def can_define_for_community(actor: Actor | User, community: Community) -> bool:
    """Facilitators and owners of the community, and editors."""
    return forum_permissions.can_moderate_community(actor, community) or is_editor(actor)


def can_define_for_programme(actor: Actor | User, programme: Programme) -> bool:
    """The programme's coordinators."""
    actor = as_actor(actor)
    if not actor.is_authenticated:
        return False
    return actor.is_platform_admin or programme.coordinators.filter(pk=actor.member_id).exists()


def can_manage_achievement(actor: Actor | User, achievement: Achievement) -> bool:
    """Award, revoke and edit: whoever may define achievements for its community or programme."""
    if achievement.community is not None:
        return can_define_for_community(actor, achievement.community)
    if achievement.programme is not None:
        return can_define_for_programme(actor, achievement.programme)
    return False


def may_define_any(actor: Actor | User) -> bool:
    """Whether the achievements page offers to define one (facilitator, coordinator or editor)."""
    actor = as_actor(actor)
    if not actor.is_authenticated:
        return False
    if is_editor(actor):
        return True
    if Programme.objects.filter(coordinators=actor.member).exists():
        return True
    return actor.member.memberships.filter(state="active", role__in=["facilitator", "owner"]).exists()


def can_see_credential(actor: Actor | User, award: Award) -> bool:
    """A credential's signed document: always for its recipient; for anyone else only while the
    recipient shows it on their public passport (what a member's passport page and the share link
    show: chosen public, not revoked, an active account). An erased award (account deleted) for no one."""
    actor = as_actor(actor)
    if award.recipient_id is None or not award.credential:
        return False
    if actor.is_authenticated and award.recipient_id == actor.member_id:
        return True
    return award.public and award.revoked_at is None and award.recipient is not None and award.recipient.is_active
