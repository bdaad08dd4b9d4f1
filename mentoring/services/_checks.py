"""Checks and small helpers shared by the mentoring services."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import Conflict, Forbidden, Invalid
from mentoring import matching, permissions
from mentoring.models import (
    CheckIn,
    Relationship,
)


def reasons_json(match: matching.Match) -> list[dict[str, Any]]:
    return [{"criterion": r.criterion, "points": r.points, "data": r.data} for r in match.reasons]


def locked(relationship: Relationship) -> Relationship:
    return Relationship.objects.select_for_update(of=("self",)).select_related("programme").get(pk=relationship.pk)


def require_party(actor: User, relationship: Relationship) -> str:
    side = relationship.side_of(actor.pk)
    if side is None or not permissions.can_act_in_relationship(actor, relationship):
        raise Forbidden(_("Only the two people in this pair can do this."))
    return side


def require_status(relationship: Relationship, *statuses: str) -> None:
    if relationship.status not in statuses:
        raise Conflict(_("This is not possible in the pair's current state."), code="status")


def schedule_checkin(relationship: Relationship, *, after: date) -> CheckIn | None:
    if relationship.programme is None:
        return None
    due = after + timedelta(days=relationship.programme.checkin_interval_days)
    checkin, _created = CheckIn.objects.get_or_create(relationship=relationship, due_on=due)
    return checkin


def full_clean(obj: Any, *, exclude: list[str] | None = None) -> None:
    """``obj.full_clean()`` with Django's ``ValidationError`` as ``Invalid`` (the first field's messages)."""
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
        name, messages = next(iter(errors.items()))
        raise Invalid(" ".join(messages), field=None if name == NON_FIELD_ERRORS else name) from exc
