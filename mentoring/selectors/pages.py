"""The pages of one member and one pair."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import NotFound
from mentoring import matching, permissions
from mentoring.models import (
    CheckIn,
    Goal,
    MentoringProfile,
    Programme,
    Reflection,
    Relationship,
    Session,
    SessionState,
    SkillOffer,
    SkillWant,
)
from mentoring.reasons import ReasonLine, describe
from mentoring.selectors.suggestions import ids_in, names_for
from notifications.models import Notification

# --- Pages -----------------------------------------------------------------------------


def profile_with_skills(*, user: User) -> MentoringProfile | None:
    return (
        MentoringProfile.objects.filter(user=user)
        .prefetch_related(
            Prefetch("offers", queryset=SkillOffer.objects.select_related("skill")),
            Prefetch("wants", queryset=SkillWant.objects.select_related("skill")),
        )
        .first()
    )


def relationships_of(*, user: User) -> QuerySet[Relationship]:
    return (
        Relationship.objects.filter(Q(person_a=user) | Q(person_b=user))
        .select_related("person_a__profile", "person_b__profile", "programme")
        .order_by("-created_at", "-pk")
    )


def notifications_for(*, user: User, limit: int = 10) -> list[Notification]:
    """The member's mentoring notifications, newest first (the same rows as the notifications page)."""
    return list(
        Notification.objects.filter(user=user, shown=True, ref__startswith="mentoring").order_by("-created_at", "-pk")[
            :limit
        ]
    )


def programmes_for(*, user: User) -> QuerySet[Programme]:
    return Programme.objects.filter(Q(participations__user=user) | Q(coordinators=user)).distinct()


def visible_relationship(*, user: User, pk: int) -> Relationship:
    """The relationship if ``user`` may see it; 404 otherwise, so no one learns it exists."""
    relationship = (
        Relationship.objects.select_related("person_a__profile", "person_b__profile", "programme", "rematch_of")
        .filter(pk=pk)
        .first()
    )
    if relationship is None or not permissions.can_view_relationship(user, relationship):
        raise NotFound(_("There is no such pair."))
    return relationship


def pair_sessions(*, user: User, pk: int) -> QuerySet[Session]:
    """The sessions of a pair ``user`` may see, planned and held, newest first (the REST API);
    404 as ``visible_relationship`` when the pair is not theirs to see."""
    relationship = visible_relationship(user=user, pk=pk)
    return Session.objects.filter(relationship=relationship).order_by("-held_on", "-pk")


@dataclass
class SessionView:
    session: Session
    reflections: list[Reflection]
    mine: Reflection | None


@dataclass
class RelationshipPage:
    relationship: Relationship
    side: str | None
    partner: User | None
    goals_a: list[Goal]
    goals_b: list[Goal]
    sessions: list[SessionView]
    checkins: list[CheckIn]
    closings: list[Any]
    reason_lines: list[ReasonLine]
    agreement: Any
    # Sessions planned ahead (oldest first), and those called off; ``sessions`` are the held ones.
    planned: list[Session] = field(default_factory=list)
    cancelled: list[Session] = field(default_factory=list)


def relationship_page(*, user: User, relationship: Relationship) -> RelationshipPage:
    side = relationship.side_of(user.pk)
    goals = list(relationship.goals.select_related("skill").prefetch_related("milestones"))
    sessions = list(
        relationship.sessions.select_related("logged_by__profile").prefetch_related(
            Prefetch("reflections", queryset=Reflection.objects.select_related("author__profile"))
        )
    )
    planned = sorted((s for s in sessions if s.state == SessionState.PLANNED), key=lambda s: (s.starts_at, s.pk))
    cancelled = [s for s in sessions if s.state == SessionState.CANCELLED]
    session_views = []
    for s in sessions:
        if s.state != SessionState.HELD:
            continue
        reflections = [r for r in s.reflections.all() if permissions.can_view_reflection(user, r, relationship)]
        mine = next((r for r in reflections if r.author_id == user.pk), None)
        session_views.append(SessionView(session=s, reflections=reflections, mine=mine))
    stored = [matching.Reason(r["criterion"], r["points"], r.get("data", {})) for r in relationship.reasons]
    if side == "b":
        stored = [flip_reason(r) for r in stored]
    partner = relationship.partner_of(user.pk) if side else None
    skill_ids, region_ids = ids_in(stored)
    lines = (
        describe(stored, other_name=partner.display_name, names=names_for(skill_ids, region_ids), languages=frozenset())
        if partner is not None
        else []
    )
    return RelationshipPage(
        relationship=relationship,
        side=side,
        partner=partner,
        goals_a=[g for g in goals if g.side == "a"],
        goals_b=[g for g in goals if g.side == "b"],
        sessions=session_views,
        checkins=list(relationship.checkins.all()),
        closings=list(relationship.closings.select_related("author__profile")),
        reason_lines=lines,
        agreement=getattr(relationship, "agreement", None),
        planned=planned,
        cancelled=cancelled,
    )


def flip_reason(reason: matching.Reason) -> matching.Reason:
    """A stored reason (seen from person A) as person B sees it."""
    swap = {
        "they_teach": "you_teach",
        "you_teach": "they_teach",
        "your_wants": "their_wants",
        "their_wants": "your_wants",
        "your_years": "their_years",
        "their_years": "your_years",
        "your_hours": "their_hours",
        "their_hours": "your_hours",
        "your_region": "their_region",
        "their_region": "your_region",
        "your_preference": "their_preference",
        "their_preference": "your_preference",
    }
    return matching.Reason(reason.criterion, reason.points, {swap.get(k, k): v for k, v in reason.data.items()})
