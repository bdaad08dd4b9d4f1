"""The pair's agreement and each side's learning goals."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import Conflict, Forbidden, Invalid
from core.text import check_text
from mentoring.models import (
    Agreement,
    Goal,
    Relationship,
    Status,
)
from mentoring.services._checks import full_clean, locked, require_party, require_status, schedule_checkin
from mentoring.services.notifications import notify_pair, notify_partner
from notifications.models import NotificationKind


@transaction.atomic
def save_agreement(
    *,
    actor: User,
    relationship: Relationship,
    rhythm: str,
    duration_months: int,
    confidentiality: str,
    goals_a: Sequence[str],
    goals_b: Sequence[str],
) -> Agreement:
    """Write the agreement and both people's goals. At least one goal each way, or nothing
    is saved. Any change clears both signatures."""
    relationship = locked(relationship)
    require_party(actor, relationship)
    require_status(relationship, Status.AGREEING)
    clean_a = [g.strip()[:300] for g in goals_a if g.strip()]
    clean_b = [g.strip()[:300] for g in goals_b if g.strip()]
    if not clean_a or not clean_b:
        raise Invalid(_("Write at least one learning goal for each of you."), code="goals_each_way")
    agreement = Agreement.objects.filter(relationship=relationship).first() or Agreement(relationship=relationship)
    agreement.rhythm = rhythm.strip()
    agreement.duration_months = duration_months
    agreement.confidentiality = confidentiality.strip()
    agreement.signed_a_at = None
    agreement.signed_b_at = None
    full_clean(agreement, exclude=["relationship"])
    relationship.goals.all().delete()
    Goal.objects.bulk_create(
        [Goal(relationship=relationship, side="a", description=g) for g in clean_a]
        + [Goal(relationship=relationship, side="b", description=g) for g in clean_b]
    )
    agreement.goals_a = len(clean_a)
    agreement.goals_b = len(clean_b)
    agreement.save()
    notify_partner(
        actor=actor,
        relationship=relationship,
        kind=NotificationKind.AGREEMENT,
        text=_("%(name)s wrote your agreement; read and sign it.") % {"name": actor.display_name},
    )
    return agreement


@transaction.atomic
def sign_agreement(*, actor: User, relationship: Relationship) -> Relationship:
    relationship = locked(relationship)
    side = require_party(actor, relationship)
    require_status(relationship, Status.AGREEING)
    agreement = Agreement.objects.select_for_update().filter(relationship=relationship).first()
    if agreement is None:
        raise Conflict(_("There is no agreement to sign yet."), code="no_agreement")
    # Count again: the database refuses a signature without a goal each way as well.
    agreement.goals_a = relationship.goals.filter(side="a").count()
    agreement.goals_b = relationship.goals.filter(side="b").count()
    if not agreement.goals_a or not agreement.goals_b:
        raise Invalid(_("Write at least one learning goal for each of you."), code="goals_each_way")
    setattr(agreement, f"signed_{side}_at", timezone.now())
    agreement.save()
    if agreement.fully_signed:
        relationship.status = Status.ACTIVE
        relationship.activated_at = timezone.now()
        relationship.save(update_fields=["status", "activated_at"])
        schedule_checkin(relationship, after=timezone.localdate())
        notify_pair(
            relationship=relationship,
            kind=NotificationKind.ACTIVE,
            text=_("Your agreement is signed by both of you: your pair is active."),
        )
    else:
        notify_partner(
            actor=actor,
            relationship=relationship,
            kind=NotificationKind.AGREEMENT,
            text=_("%(name)s signed your agreement; your signature is next.") % {"name": actor.display_name},
        )
    return relationship


@transaction.atomic
def update_goal(*, actor: User, goal: Goal, progress: int) -> Goal:
    relationship = locked(goal.relationship)
    side = require_party(actor, relationship)
    require_status(relationship, Status.ACTIVE, Status.PAUSED)
    if goal.side != side:
        raise Forbidden(_("Each of you keeps track of your own goals."))
    if not 0 <= progress <= 100:
        raise Invalid(_("Progress is a percentage from 0 to 100."), code="progress")
    store_progress(goal, progress)
    return goal


def store_progress(goal: Goal, progress: int) -> None:
    """Save a goal's progress, and when it was met (``met_at``: set on reaching 100 %, kept while
    it stays there, cleared when it drops)."""
    goal.progress = progress
    if progress >= 100 and goal.met_at is None:
        goal.met_at = timezone.now()
    elif progress < 100:
        goal.met_at = None
    goal.save(update_fields=["progress", "met_at", "updated_at"])


@transaction.atomic
def add_goal(*, actor: User, relationship: Relationship, description: str) -> Goal:
    relationship = locked(relationship)
    side = require_party(actor, relationship)
    require_status(relationship, Status.ACTIVE, Status.PAUSED)
    if not check_text(description, field="description").strip():
        raise Invalid(_("Describe the goal."), code="empty")
    goal = Goal.objects.create(relationship=relationship, side=side, description=description.strip()[:300])
    Agreement.objects.filter(relationship=relationship).update(
        **{f"goals_{side}": relationship.goals.filter(side=side).count()}
    )
    return goal
