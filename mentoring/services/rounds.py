"""Matching rounds: the coordinator pairs the admitted participants in one go.

A round is first a draft: its pairs (``RoundPair``) carry their score and reasons, and the
coordinator may lock a pair (kept when the round runs again), forbid one (never made again in
this draft) or swap the partners of two pairs. Publishing turns every pair that is not forbidden
into a proposal to both people.
"""

from __future__ import annotations

from dataclasses import asdict, replace

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import Conflict, Forbidden, Invalid
from mentoring import matching, permissions, selectors
from mentoring.models import (
    MatchingMode,
    MatchingRound,
    Programme,
    Relationship,
    RoundPair,
    RoundPairState,
)
from mentoring.services._checks import reasons_json
from mentoring.services.notifications import notify
from notifications.models import NotificationKind


def _require_coordinator(actor: User, programme: Programme) -> None:
    if not permissions.can_manage_programme(actor, programme):
        raise Forbidden(_("Only the coordinators of this programme can do this."))


def _draft(matching_round: MatchingRound) -> MatchingRound:
    locked = MatchingRound.objects.select_for_update().get(pk=matching_round.pk)
    if not locked.is_draft:
        raise Conflict(_("This round has been published already."), code="published")
    return locked


@transaction.atomic
def run_matching_round(*, actor: User, programme: Programme, min_score: float = 0.0) -> MatchingRound:
    """A draft round for the admitted participants who still have room for a pair.

    Locked pairs of the previous draft stay as they are; its forbidden pairs are not made again.
    """
    _require_coordinator(actor, programme)
    if programme.matching_mode == MatchingMode.CHOOSE:
        raise Invalid(_("In this programme members choose their own match."), code="mode")
    if not 0 <= min_score <= 100:
        raise Invalid(_("The minimum score is between 0 and 100."), field="min_score")
    previous = (
        MatchingRound.objects.select_for_update()
        .filter(programme=programme, published_at__isnull=True)
        .order_by("-created_at", "-pk")
        .first()
    )
    kept: list[RoundPair] = []
    forbidden_here: set[frozenset[int]] = set()
    if previous is not None:
        for pair in previous.pairs.all():
            if pair.state == RoundPairState.LOCKED:
                kept.append(pair)
            elif pair.state == RoundPairState.FORBIDDEN:
                forbidden_here.add(frozenset((pair.person_a_id, pair.person_b_id)))
    # Everyone keeps the room they have left: a member with capacity 2 and one open pair
    # can still be matched once; a member who is full is left out of the round.
    open_counts = selectors.open_relationship_counts()
    for pair in kept:
        open_counts[pair.person_a_id] += 1
        open_counts[pair.person_b_id] += 1
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
    } | forbidden_here
    weights = selectors.weights_for(programme)
    result = matching.run_round(cohort, weights, forbidden=forbidden, min_score=min_score)
    round_ = MatchingRound.objects.create(
        programme=programme,
        run_by=actor,
        weights=asdict(weights),
        pair_count=len(result.pairs) + len(kept),
        total_score=result.total + sum(p.score for p in kept),
        unmatched=[{"user_id": u.id, "reason": u.reason} for u in result.unmatched],
        minimum_score=min_score,
    )
    by_id = {c.id: c for c in cohort}
    rows = [
        RoundPair(
            matching_round=round_,
            person_a_id=p.person_a_id,
            person_b_id=p.person_b_id,
            score=p.score,
            reasons=p.reasons,
            state=RoundPairState.LOCKED,
        )
        for p in kept
    ]
    rows += [
        RoundPair(
            matching_round=round_,
            person_a_id=pa,
            person_b_id=pb,
            score=pair.score,
            reasons=reasons_json(matching.explain(by_id[pa], by_id[pb], weights)),
        )
        for pair in result.pairs
        for pa, pb in [sorted((pair.younger_id, pair.older_id))]
    ]
    # The forbidden pairs stay on the draft, so that running it again still knows them.
    rows += [
        RoundPair(matching_round=round_, person_a_id=min(p), person_b_id=max(p), state=RoundPairState.FORBIDDEN)
        for p in forbidden_here
    ]
    RoundPair.objects.bulk_create(rows)
    if previous is not None:
        previous.delete()
    return round_


@transaction.atomic
def set_round_pair_state(*, actor: User, pair: RoundPair, state: str) -> RoundPair:
    """Lock a pair (kept when the round runs again), forbid it, or set it back to proposed."""
    round_ = _draft(pair.matching_round)
    _require_coordinator(actor, round_.programme)
    if state not in RoundPairState.values:
        raise Invalid(_("Choose lock, forbid or proposed."), code="state")
    pair.state = state
    pair.save(update_fields=["state"])
    return pair


def _younger_first(pair: RoundPair, years: dict[int, int]) -> tuple[int, int]:
    a, b = pair.person_a_id, pair.person_b_id
    return (a, b) if (years.get(a, 0), a) <= (years.get(b, 0), b) else (b, a)


@transaction.atomic
def swap_round_pairs(*, actor: User, first: RoundPair, second: RoundPair) -> tuple[RoundPair, RoundPair]:
    """Exchange the more experienced partners of two pairs; both new pairs must be possible."""
    round_ = _draft(first.matching_round)
    _require_coordinator(actor, round_.programme)
    if second.matching_round_id != round_.pk or first.pk == second.pk:
        raise Invalid(_("Choose two different pairs of this round."), code="swap")
    if RoundPairState.FORBIDDEN in (first.state, second.state):
        raise Invalid(_("A forbidden pair cannot be swapped."), code="swap")
    people = [first.person_a_id, first.person_b_id, second.person_a_id, second.person_b_id]
    found = {c.id: c for c in selectors.candidates(selectors.pool_profiles(programme=None).filter(user_id__in=people))}
    if len(found) != 4:
        raise Invalid(_("One of these people can no longer be matched."), code="swap")
    years = {uid: c.years for uid, c in found.items()}
    young_1, old_1 = _younger_first(first, years)
    young_2, old_2 = _younger_first(second, years)
    weights = selectors.weights_for(round_.programme)
    for pair, young, old in ((first, young_1, old_2), (second, young_2, old_1)):
        if matching.hard_constraint_failure(found[young], found[old]) is not None:
            raise Invalid(_("These two cannot be paired (language, way of meeting or time)."), code="swap")
        low, high = sorted((young, old))
        match = matching.explain(found[low], found[high], weights)
        pair.person_a_id, pair.person_b_id = low, high
        pair.score, pair.reasons = match.score, reasons_json(match)
        pair.state = RoundPairState.PROPOSED
    try:
        with transaction.atomic():
            first.save()
            second.save()
    except IntegrityError as exc:
        raise Conflict(_("This pair is in the round already."), code="swap") from exc
    return first, second


@transaction.atomic
def publish_round(*, actor: User, matching_round: MatchingRound) -> MatchingRound:
    """Every pair that is not forbidden becomes a proposal to both; the round is final."""
    round_ = _draft(matching_round)
    programme = round_.programme
    _require_coordinator(actor, programme)
    pairs = list(round_.pairs.exclude(state=RoundPairState.FORBIDDEN).select_related("person_a", "person_b"))
    made = 0
    for pair in pairs:
        try:
            with transaction.atomic():
                relationship = Relationship.objects.create(
                    programme=programme,
                    person_a=pair.person_a,
                    person_b=pair.person_b,
                    matching_round=round_,
                    score=pair.score,
                    reasons=pair.reasons,
                )
        except IntegrityError:
            continue  # they made an open pair of their own in the meantime
        pair.relationship = relationship
        pair.save(update_fields=["relationship"])
        made += 1
        for person in (pair.person_a, pair.person_b):
            notify(
                user=person,
                kind=NotificationKind.PROPOSAL,
                relationship=relationship,
                text=_("The matching round of %(programme)s proposes a pair for you.") % {"programme": programme.name},
            )
    round_.published_at = timezone.now()
    round_.pair_count = made
    round_.save(update_fields=["published_at", "pair_count"])
    return round_
