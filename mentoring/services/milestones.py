"""Milestones on a goal: steps its owner ticks off; the goal's progress follows them."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import Forbidden, Invalid
from core.text import check_text
from mentoring.models import Goal, Milestone, Status
from mentoring.services._checks import locked, require_party, require_status
from mentoring.services.agreements import store_progress

MAX_MILESTONES = 10  # per goal: a few steps, not a project plan


def _own_goal(actor: User, goal: Goal) -> None:
    relationship = locked(goal.relationship)
    side = require_party(actor, relationship)
    require_status(relationship, Status.ACTIVE, Status.PAUSED)
    if goal.side != side:
        raise Forbidden(_("Each of you keeps track of your own goals."))


def _follow(goal: Goal) -> None:
    """With milestones, progress is the share of them done (rounded down to whole percents)."""
    total = goal.milestones.count()
    if total:
        done = goal.milestones.filter(done_at__isnull=False).count()
        store_progress(goal, done * 100 // total)


@transaction.atomic
def add_milestone(*, actor: User, goal: Goal, title: str) -> Milestone:
    _own_goal(actor, goal)
    if not check_text(title, field="title").strip():
        raise Invalid(_("Describe the milestone."), field="title")
    if goal.milestones.count() >= MAX_MILESTONES:
        raise Invalid(_("A goal has at most %(n)s milestones.") % {"n": MAX_MILESTONES}, field="title")
    milestone = Milestone.objects.create(goal=goal, title=title.strip()[:200])
    _follow(goal)
    return milestone


@transaction.atomic
def set_milestone_done(*, actor: User, milestone: Milestone, done: bool) -> Milestone:
    goal = milestone.goal
    _own_goal(actor, goal)
    milestone.done_at = timezone.now() if done else None
    milestone.save(update_fields=["done_at"])
    _follow(goal)
    return milestone
