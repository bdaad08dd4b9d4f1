"""Who may see and do what in mentoring. Plain functions; the views and services ask here.

A pair's agreement, goals, sessions, check-ins and closing belong to the two. Their
programme's coordinators see them only when *both* allowed it. A reflection belongs to
its author; a shared one is also visible to whoever may see the pair.
"""

from __future__ import annotations

from typing import Any

from mentoring.models import CLOSING_STATUSES, Programme, Reflection, Relationship


def _active(user: Any) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_party(user: Any, relationship: Relationship) -> bool:
    return _active(user) and user.pk in (relationship.person_a_id, relationship.person_b_id)


def is_coordinator(user: Any, programme: Programme | None) -> bool:
    if programme is None or not _active(user):
        return False
    cached = getattr(programme, "_coordinator_ids", None)
    if cached is None:
        cached = set(programme.coordinators.values_list("pk", flat=True))
        programme._coordinator_ids = cached  # type: ignore[attr-defined]
    return user.pk in cached


def can_create_programme(user: Any) -> bool:
    return _active(user) and bool(user.has_perm("mentoring.add_programme"))


def can_manage_programme(user: Any, programme: Programme) -> bool:
    return is_coordinator(user, programme) or (_active(user) and user.is_superuser)


def coordinator_may_follow(user: Any, relationship: Relationship) -> bool:
    return relationship.coordinator_allowed and is_coordinator(user, relationship.programme)


def can_view_relationship(user: Any, relationship: Relationship) -> bool:
    """The pair page: agreement, goals, sessions, check-ins, closing."""
    return is_party(user, relationship) or coordinator_may_follow(user, relationship)


def can_act_in_relationship(user: Any, relationship: Relationship) -> bool:
    """Accept, sign, log sessions, write reflections: only the two themselves."""
    return is_party(user, relationship)


def can_write_closing(user: Any, relationship: Relationship) -> bool:
    """What each taught and learned and the closing survey: the two, while the pair runs or after it
    ended early."""
    return is_party(user, relationship) and relationship.status in CLOSING_STATUSES


def can_view_reflection(user: Any, reflection: Reflection, relationship: Relationship) -> bool:
    if _active(user) and reflection.author_id == user.pk:
        return True
    return reflection.shared and can_view_relationship(user, relationship)


def can_join_room(user: Any, relationship: Relationship) -> bool:
    return can_view_relationship(user, relationship)
