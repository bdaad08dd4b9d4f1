"""Who may see what in monitoring: plain functions of the explicit actor."""

from __future__ import annotations

from accounts.actor import Actor
from forum import permissions as forum_permissions
from forum.models import Community


def can_monitor(actor: Actor, community: Community) -> bool:
    """The dashboard, the scan's results, the stories by cycle and the exports: the community's
    facilitators (and owner) and platform admins. Never a system community."""
    if community.is_system or not actor.is_authenticated:
        return False
    return forum_permissions.can_moderate_community(actor, community)


def can_take_part(actor: Actor, community: Community) -> bool:
    """Answer the scan, tell a story: the community's active members."""
    return not community.is_system and forum_permissions.is_active_member(actor, community)


def can_see_national(actor: Actor) -> bool:
    return actor.is_authenticated and actor.is_platform_admin
