"""Matching rounds: the coordinator pairs the admitted participants in one go."""

from __future__ import annotations

from dataclasses import asdict, replace

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import Forbidden, Invalid
from mentoring import matching, permissions, selectors
from mentoring.models import (
    MatchingMode,
    MatchingRound,
    Programme,
    Relationship,
)
from mentoring.services._checks import reasons_json
from mentoring.services.notifications import notify
from notifications.models import NotificationKind


@transaction.atomic
def run_matching_round(*, actor: User, programme: Programme, min_score: float = 0.0) -> MatchingRound:
    """Match the admitted participants who still have room for a pair, and record who stays unmatched."""
    if not permissions.can_manage_programme(actor, programme):
        raise Forbidden(_("Only the coordinators of this programme can do this."))
    if programme.matching_mode == MatchingMode.CHOOSE:
        raise Invalid(_("In this programme members choose their own match."), code="mode")
    # Everyone keeps the room they have left: a member with capacity 2 and one open pair
    # can still be matched once; a member who is full is left out of the round.
    open_counts = selectors.open_relationship_counts()
    cohort = [
        replace(c, capacity=c.capacity - open_counts[c.id])
        for c in selectors.candidates(selectors.pool_profiles(programme=programme))
        if open_counts[c.id] < c.capacity
    ]
    forbidden = {
        frozenset(pair)
        for pair in Relationship.objects.filter(
            Q(person_a_id__in=[c.id for c in cohort]) | Q(person_b_id__in=[c.id for c in cohort])
        ).values_list("person_a_id", "person_b_id")
    }
    weights = selectors.weights_for(programme)
    result = matching.run_round(cohort, weights, forbidden=forbidden, min_score=min_score)
    round_ = MatchingRound.objects.create(
        programme=programme,
        run_by=actor,
        weights=asdict(weights),
        pair_count=len(result.pairs),
        total_score=result.total,
        unmatched=[{"user_id": u.id, "reason": u.reason} for u in result.unmatched],
    )
    by_id = {c.id: c for c in cohort}
    users = User.objects.in_bulk([i for p in result.pairs for i in (p.younger_id, p.older_id)])
    for pair in result.pairs:
        low, high = sorted((pair.younger_id, pair.older_id))
        match = matching.explain(by_id[low], by_id[high], weights)
        relationship = Relationship.objects.create(
            programme=programme,
            person_a=users[low],
            person_b=users[high],
            matching_round=round_,
            score=match.score,
            reasons=reasons_json(match),
        )
        for person in (users[low], users[high]):
            notify(
                user=person,
                kind=NotificationKind.PROPOSAL,
                relationship=relationship,
                text=_("The matching round of %(programme)s proposes a pair for you.") % {"programme": programme.name},
            )
    return round_
