"""The actor: who is doing something, built once per request, frame or API call.

Permissions, services and selectors take the actor explicitly (``actor=``) instead of
reading facts off the user object: what an app needs to know about the viewer is loaded
into the actor once and passed along, where a reader can see it.

``Actor`` lives in ``accounts`` so every app can take one without importing another app.
It holds the user and their platform roles; an app that decides by a per-community or
per-programme relation fills its own map on the actor (the forum: ``memberships``,
community id → membership or ``None``), through its own permission functions, so the
lookup is made once per request or frame and never outlives it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeAlias

from django.contrib.auth.models import AnonymousUser

from accounts.models import User

# Whoever is on the other end of a request: a member, or someone not logged in.
Member: TypeAlias = User | AnonymousUser


@dataclass(eq=False, slots=True)
class Actor:
    """The viewer of one request or frame: the user, their roles, and what apps loaded for them."""

    user: Member
    # Filled by forum.permissions: community id -> the forum's Membership (or None: not a member).
    # Typed loosely here because accounts may not import forum; the forum reads it typed.
    memberships: dict[int, Any] = field(default_factory=dict)

    @property
    def is_authenticated(self) -> bool:
        return bool(self.user.is_authenticated)

    @property
    def pk(self) -> int | None:
        """The member's id; ``None`` when not logged in."""
        return self.user.pk if self.user.is_authenticated else None

    @property
    def member_id(self) -> int:
        """The logged-in member's id (where being logged in was checked, or is required)."""
        return self.member.pk

    @property
    def is_platform_admin(self) -> bool:
        return bool(self.user.is_authenticated and self.user.is_superuser)

    @property
    def member(self) -> User:
        """The logged-in user (for writes, which a view or frame only allows when logged in)."""
        assert isinstance(self.user, User), "this action needs a logged-in member"
        return self.user

    def forget(self) -> None:
        """Drop what apps loaded, after this actor's own action changed it (e.g. joined a community)."""
        self.memberships.clear()


def as_actor(who: Actor | Member | None) -> Actor:
    """``who`` as an actor: an actor as it is, a user (or nobody) as a new one.

    Callers that hold a request or frame build the actor once and pass it on; a plain user
    (a management command, a test, another app's service) gets an actor for this one call.
    """
    if isinstance(who, Actor):
        return who
    return Actor(user=who if who is not None else AnonymousUser())
