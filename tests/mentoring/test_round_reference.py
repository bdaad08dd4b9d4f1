"""run_round against a plain reference: the same pairs, scores (bit for bit) and unmatched reasons.

``run_round`` and ``round_values`` compute the score matrix with a chunked, grouped kernel and explain the
unmatched with array operations. The reference below is the straightforward computation they replaced:
``Table.block`` for the scores, a loop over the forbidden pairs, and one Python check per unmatched person.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np
import pytest
from scipy.optimize import linear_sum_assignment

from mentoring import matching as m
from mentoring.matching import Candidate, Weights

LANGUAGES = ["nl", "en", "de", "tr", "ar", "fy", "pl", "es", "fr", "it"]


def reference_values(
    table: m.Table,
    younger: Sequence[Candidate],
    slots: Sequence[Candidate],
    weights: Weights,
    forbidden: set[frozenset[int]],
    min_score: float,
) -> tuple[np.ndarray, np.ndarray]:
    rows = np.array([table.index[c.id] for c in younger], dtype=np.int64)
    cols = np.array([table.index[c.id] for c in slots], dtype=np.int64)
    scores, feasible = table.block(rows, cols, weights)
    values = np.where(feasible & (scores >= min_score) & (scores > 0), scores, 0.0)
    for i, a in enumerate(younger):
        for j, b in enumerate(slots):
            if frozenset((a.id, b.id)) in forbidden:
                values[i, j] = 0.0
    return values, feasible


def reference_reason(
    person: Candidate,
    others: Sequence[Candidate],
    feasible: np.ndarray,
    values: np.ndarray,
    forbidden: set[frozenset[int]],
) -> str:
    if person.hours <= 0:
        return m.NO_TIME
    if not feasible.any():
        if not any(person.languages & o.languages for o in others):
            return m.NO_SHARED_LANGUAGE
        if not any(person.mode & o.mode for o in others):
            return m.NO_COMMON_MODE
        return m.NO_TIME
    compatible = {others[k].id for k in np.flatnonzero(feasible).tolist()}
    if all(frozenset((person.id, other)) in forbidden for other in compatible):
        return m.ONLY_PREVIOUS_PARTNERS
    if not (values > 0).any():
        return m.BELOW_MINIMUM
    return m.NO_PARTNER_LEFT


def reference_round(
    candidates: Sequence[Candidate],
    weights: Weights,
    forbidden: Iterable[frozenset[int]] = (),
    min_score: float = 0.0,
) -> m.RoundResult:
    forbidden_set = {frozenset(p) for p in forbidden}
    table = m.Table(candidates)
    younger, older = m.split_cohort(table.candidates)
    slots = [c for c in older for _ in range(max(1, c.capacity))]
    if not younger or not slots:
        return m.RoundResult(pairs=[], unmatched=[m.Unmatched(c.id, m.NO_PARTNER_LEFT) for c in table.candidates])
    values, feasible = reference_values(table, younger, slots, weights, forbidden_set, min_score)
    rows, cols = linear_sum_assignment(values, maximize=True)
    pairs = [
        m.Pair(younger_id=younger[i].id, older_id=slots[j].id, score=float(values[i, j]))
        for i, j in zip(rows.tolist(), cols.tolist(), strict=True)
        if values[i, j] > 0
    ]
    pairs.sort(key=lambda p: (p.younger_id, p.older_id))
    matched = {p.younger_id for p in pairs} | {p.older_id for p in pairs}
    unmatched = [
        m.Unmatched(c.id, reference_reason(c, slots, feasible[i, :], values[i, :], forbidden_set))
        for i, c in enumerate(younger)
        if c.id not in matched
    ]
    first_slot = {}
    for j, c in enumerate(slots):
        first_slot.setdefault(c.id, j)
    for c in older:
        if c.id not in matched:
            j = first_slot[c.id]
            unmatched.append(
                m.Unmatched(c.id, reference_reason(c, younger, feasible[:, j], values[:, j], forbidden_set))
            )
    unmatched.sort(key=lambda u: u.id)
    return m.RoundResult(pairs=pairs, unmatched=unmatched)


def varied_cohort(seed: int, n: int) -> tuple[list[Candidate], set[frozenset[int]], float, Weights]:
    """A cohort that reaches every branch: many or few skills (bit words of 8 to 64+ bits), rare languages,
    modes that do not meet, no time, no region or organisation, capacities, forbidden pairs, a minimum."""
    rng = random.Random(seed)
    skills = rng.choice([6, 30, 64, 150])
    sectors = rng.choice([3, 12, 40])
    languages = LANGUAGES[: rng.choice([2, 10])]
    # In some cohorts everyone meets online only, except a few who only meet in person.
    modes = [m.MODE_ONLINE] * 12 + [m.MODE_IN_PERSON] if rng.random() < 0.25 else [1, 2, 3, 3]
    people = []
    for i in range(n):
        rare = rng.random() < 0.08
        people.append(
            Candidate(
                id=i + 1 + rng.choice([0, 1000]) * (i % 2),
                offers=frozenset(rng.sample(range(skills), rng.randint(0, min(5, skills)))),
                wants=frozenset(rng.sample(range(skills), rng.randint(0, min(3, skills)))),
                years=rng.choice([0, 1, 2, 5, 8, 12, 15, 20, 31]),
                languages=frozenset(["xx"] if rare else rng.sample(languages, rng.randint(1, 2))),
                hours=rng.choice([0, 2, 4, 8]) if rng.random() < 0.3 else rng.choice([2, 4]),
                mode=rng.choice(modes),
                region=rng.choice([None, 1, 2, 3, 4]),
                organisation=rng.choice([None, 10, 11, 12, 13]),
                sectors=frozenset(rng.sample(range(sectors), rng.randint(0, 2))),
                prefers_other_organisation=rng.random() < 0.3,
                sector_preference=rng.choice([m.SECTOR_ANY, m.SECTOR_SAME, m.SECTOR_OTHER]),
                capacity=rng.choice([1, 1, 1, 2, 3]),
            )
        )
    ids = [c.id for c in people]
    forbidden = {frozenset(rng.sample(ids, 2)) for _ in range(rng.randint(0, 2 * n))}
    # Someone whose every compatible partner is a previous one.
    loner = people[0]
    forbidden |= {frozenset((loner.id, other)) for other in ids if other != loner.id}
    forbidden.add(frozenset((ids[1],)))  # not a pair: ignored
    min_score = rng.choice([0.0, 0.0, 40.0, 60.0])
    weights = rng.choice(
        [Weights(), Weights(skills=0.0, region=0.0), Weights(organisation=7.3, sector=0.1), Weights(*[0.0] * 6)]
    )
    return people, forbidden, min_score, weights


@pytest.mark.parametrize("seed", range(30))
def test_run_round_equals_reference(seed: int) -> None:
    people, forbidden, min_score, weights = varied_cohort(seed, random.Random(seed).randint(2, 160))
    result = m.run_round(people, weights, forbidden=forbidden, min_score=min_score)
    expected = reference_round(people, weights, forbidden=forbidden, min_score=min_score)
    assert result.pairs == expected.pairs  # ids and scores, compared exactly
    assert result.unmatched == expected.unmatched


def test_reference_cohorts_reach_every_reason() -> None:
    seen: Counter[str] = Counter()
    for seed in range(30):
        people, forbidden, min_score, weights = varied_cohort(seed, random.Random(seed).randint(2, 160))
        seen.update(u.reason for u in m.run_round(people, weights, forbidden=forbidden, min_score=min_score).unmatched)
    reasons = {
        m.NO_SHARED_LANGUAGE,
        m.NO_COMMON_MODE,
        m.NO_TIME,
        m.ONLY_PREVIOUS_PARTNERS,
        m.NO_PARTNER_LEFT,
        m.BELOW_MINIMUM,
    }
    assert set(seen) == reasons, seen


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("chunk", [None, 1, 5])
def test_round_values_bit_for_bit(seed: int, chunk: int | None) -> None:
    people, forbidden, min_score, weights = varied_cohort(100 + seed, 120)
    table = m.Table(people)
    younger, older = m.split_cohort(table.candidates)
    slots = [c for c in older for _ in range(max(1, c.capacity))]
    values, feasible = m.round_values(
        table, younger, slots, weights, forbidden=forbidden, min_score=min_score, chunk=chunk
    )
    expected_values, expected_feasible = reference_values(table, younger, slots, weights, forbidden, min_score)
    assert np.array_equal(values.view(np.int64), expected_values.view(np.int64))
    assert np.array_equal(feasible, expected_feasible)
    # Rows and columns that overlap (not the case in a round) keep a person from pairing with themself.
    everyone = table.candidates
    values, feasible = m.round_values(table, everyone, everyone, weights, forbidden=set(), min_score=0.0)
    expected_values, expected_feasible = reference_values(table, everyone, everyone, weights, set(), 0.0)
    assert np.array_equal(values.view(np.int64), expected_values.view(np.int64))
    assert np.array_equal(feasible, expected_feasible)
    assert not feasible.diagonal().any()


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_round_values_with_weights_that_are_not_finite_use_the_plain_path() -> None:
    people, _, _, _ = varied_cohort(7, 40)
    table = m.Table(people)
    younger, older = m.split_cohort(table.candidates)
    weights = Weights(region=float("inf"))
    values, feasible = m.round_values(table, younger, older, weights, forbidden=set(), min_score=0.0)
    expected_values, expected_feasible = reference_values(table, younger, older, weights, set(), 0.0)
    assert np.array_equal(values, expected_values, equal_nan=True)
    assert np.array_equal(feasible, expected_feasible)


def test_bench_sized_round_equals_reference() -> None:
    from bench.mentoring_matching import candidate

    rng = random.Random(2026)
    people = [candidate(rng, i + 1) for i in range(600)]
    forbidden = {frozenset((i, i + 301)) for i in range(1, 300, 2)}
    assert m.run_round(people, Weights(), forbidden=forbidden) == reference_round(people, Weights(), forbidden)
