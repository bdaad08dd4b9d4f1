"""The matching core on its own: no database, no Django."""

from __future__ import annotations

import random
import time

import numpy as np
import pytest

from mentoring import matching as m
from mentoring.matching import Candidate, Weights

W = Weights()


def person(id: int, **kw: object) -> Candidate:
    defaults: dict[str, object] = {
        "languages": frozenset({"nl"}),
        "hours": 4,
        "mode": m.MODE_BOTH,
        "years": 0,
    }
    defaults.update(kw)
    return Candidate(id=id, **defaults)  # type: ignore[arg-type]


def random_candidate(rng: random.Random, id: int, skills: int = 30) -> Candidate:
    return Candidate(
        id=id,
        offers=frozenset(rng.sample(range(skills), rng.randint(0, 4))),
        wants=frozenset(rng.sample(range(skills), rng.randint(0, 3))),
        years=rng.choice([0, 1, 3, 5, 8, 12, 20, 30]),
        languages=frozenset(rng.sample(["nl", "en", "de", "tr"], rng.randint(1, 2))),
        hours=rng.choice([0, 2, 4, 8]) if rng.random() < 0.9 else 4,
        mode=rng.choice([m.MODE_ONLINE, m.MODE_IN_PERSON, m.MODE_BOTH]),
        region=rng.choice([None, 1, 2, 3]),
        organisation=rng.choice([None, 10, 11, 12]),
        sectors=frozenset(rng.sample(range(5), rng.randint(0, 2))),
        prefers_other_organisation=rng.random() < 0.3,
        sector_preference=rng.choice([m.SECTOR_ANY, m.SECTOR_SAME, m.SECTOR_OTHER]),
    )


def random_cohort(seed: int, n: int) -> list[Candidate]:
    rng = random.Random(seed)
    return [random_candidate(rng, i + 1) for i in range(n)]


def test_score_is_symmetric_scalar_and_vectorised() -> None:
    cohort = random_cohort(1, 60)
    table = m.Table(cohort)
    idx = np.arange(len(table))
    scores, feasible = table.block(idx, idx, W)
    assert np.array_equal(scores, scores.T)
    assert np.array_equal(feasible, feasible.T)
    for a in cohort[:20]:
        for b in cohort[20:40]:
            assert m.explain(a, b, W).score == pytest.approx(m.explain(b, a, W).score)


def test_vectorised_score_equals_explained_score() -> None:
    cohort = random_cohort(2, 80)
    table = m.Table(cohort)
    idx = np.arange(len(table))
    scores, feasible = table.block(idx, idx, W)
    for i, a in enumerate(table.candidates):
        for j, b in enumerate(table.candidates):
            assert m.explain(a, b, W).score == pytest.approx(scores[i, j], abs=1e-9)
            assert feasible[i, j] == (m.hard_constraint_failure(a, b) is None)


def test_one_sided_pair_scores_below_balanced_pair() -> None:
    # Same total coverage (two wanted skills met in all), split differently.
    me = person(1, wants=frozenset({1, 2}), offers=frozenset({3, 4}))
    balanced = person(2, offers=frozenset({1}), wants=frozenset({3, 9}))
    one_sided = person(3, offers=frozenset({1, 2}), wants=frozenset({8, 9}))
    assert m.explain(me, balanced, W).score > m.explain(me, one_sided, W).score
    # And for every random pair: a balanced split beats a lopsided one with the same sum.
    for learn_a, learn_b in [(1.0, 0.0), (0.75, 0.25), (0.9, 0.1)]:
        lopsided = np.sqrt(learn_a * learn_b)
        even = np.sqrt(((learn_a + learn_b) / 2) ** 2)
        assert lopsided < even


def test_reasons_add_up_to_score_and_display_points_to_rounded_score() -> None:
    cohort = random_cohort(3, 40)
    for a in cohort:
        for b in cohort:
            if a.id == b.id:
                continue
            match = m.explain(a, b, W)
            assert sum(r.points for r in match.reasons) == pytest.approx(match.score)
            assert sum(m.points_for_display(match.reasons)) == round(match.score)
            assert 0 <= match.score <= 100


def test_reason_names_what_each_can_teach() -> None:
    sanne = person(1, offers=frozenset({10}), wants=frozenset({20}), years=2)
    henk = person(2, offers=frozenset({20}), wants=frozenset({10}), years=28)
    match = m.explain(sanne, henk, W)
    skills = next(r for r in match.reasons if r.criterion == "skills")
    assert skills.data["they_teach"] == [20]
    assert skills.data["you_teach"] == [10]
    assert skills.points == pytest.approx(100 * W.skills / (W.skills + W.experience + W.availability + W.region))
    experience = next(r for r in match.reasons if r.criterion == "experience")
    assert experience.data["gap"] == 26


def test_criteria_only_count_where_they_apply() -> None:
    online_a = person(1, mode=m.MODE_ONLINE, region=1)
    online_b = person(2, mode=m.MODE_BOTH, region=2)
    assert "region" not in {r.criterion for r in m.explain(online_a, online_b, W).reasons}
    in_person = person(3, mode=m.MODE_IN_PERSON, region=1)
    assert "region" in {r.criterion for r in m.explain(in_person, online_b, W).reasons}
    same_org = person(4, organisation=7, prefers_other_organisation=True)
    colleague = person(5, organisation=7)
    reason = next(r for r in m.explain(same_org, colleague, W).reasons if r.criterion == "organisation")
    assert reason.points == 0


@pytest.mark.parametrize("seed", range(5))
def test_hard_constraints_never_violated(seed: int) -> None:
    cohort = random_cohort(seed, 40)
    by_id = {c.id: c for c in cohort}
    forbidden = {frozenset((c.id, c.id + 1)) for c in cohort[::3]}
    result = m.run_round(cohort, W, forbidden=forbidden)
    seen: set[int] = set()
    for pair in result.pairs:
        a, b = by_id[pair.younger_id], by_id[pair.older_id]
        assert m.hard_constraint_failure(a, b) is None
        assert frozenset((a.id, b.id)) not in forbidden
        assert a.id not in seen and b.id not in seen
        seen.update((a.id, b.id))
    assert seen | {u.id for u in result.unmatched} == set(by_id)
    assert not seen & {u.id for u in result.unmatched}
    # And suggestions never offer a pair that breaks a hard constraint.
    table = m.Table(cohort)
    for c in cohort[:10]:
        for match in m.suggest(table, c.id, W, limit=40):
            assert m.hard_constraint_failure(c, by_id[match.other_id]) is None


def test_round_is_deterministic() -> None:
    cohort = random_cohort(7, 50)
    first = m.run_round(cohort, W)
    second = m.run_round(list(reversed(cohort)), W)
    assert first == second


@pytest.mark.parametrize("seed", range(25))
def test_round_is_optimal_against_brute_force(seed: int) -> None:
    rng = random.Random(seed)
    cohort = random_cohort(100 + seed, rng.randint(2, 8))
    forbidden = {frozenset((1, 2))} if seed % 3 == 0 else set()
    min_score = 30.0 if seed % 4 == 0 else 0.0
    result = m.run_round(cohort, W, forbidden=forbidden, min_score=min_score)
    assert result.total == pytest.approx(m.brute_force_round(cohort, W, forbidden=forbidden, min_score=min_score))


def test_round_pairs_younger_with_more_experienced_and_respects_capacity() -> None:
    young = [person(i, years=1, wants=frozenset({1}), offers=frozenset({2})) for i in (1, 2)]
    old = person(3, years=25, wants=frozenset({2}), offers=frozenset({1}), capacity=2)
    other_old = person(4, years=20, languages=frozenset({"de"}))
    result = m.run_round([*young, old, other_old], W)
    assert [(p.younger_id, p.older_id) for p in result.pairs] == [(1, 3), (2, 3)]
    assert result.unmatched == [m.Unmatched(4, m.NO_SHARED_LANGUAGE)]


def test_unmatched_reasons() -> None:
    a = person(1, years=1, mode=m.MODE_ONLINE)
    b = person(2, years=30, mode=m.MODE_IN_PERSON)
    assert m.run_round([a, b], W).unmatched == [m.Unmatched(1, m.NO_COMMON_MODE), m.Unmatched(2, m.NO_COMMON_MODE)]
    c = person(3, years=1)
    d = person(4, years=30)
    result = m.run_round([c, d], W, forbidden=[frozenset((3, 4))])
    assert {u.reason for u in result.unmatched} == {m.ONLY_PREVIOUS_PARTNERS}
    e, f, g = person(5, years=1), person(6, years=30), person(7, years=31)
    result = m.run_round([e, f, g], W)
    assert len(result.pairs) == 1
    assert [u.reason for u in result.unmatched] == [m.NO_PARTNER_LEFT]


def test_suggestions_best_first_with_filters_and_excludes() -> None:
    cohort = random_cohort(9, 300)
    table = m.Table(cohort)
    me = next(c for c in cohort if c.hours > 0)
    top = m.suggest(table, me.id, W)
    assert len(top) == 10
    assert [x.score for x in top] == sorted((x.score for x in top), reverse=True)
    everything = m.suggest(table, me.id, W, limit=1000)
    assert [x.other_id for x in top] == [x.other_id for x in everything[:10]]
    assert me.id not in {x.other_id for x in everything}
    skipped = m.suggest(table, me.id, W, exclude=[top[0].other_id])
    assert top[0].other_id not in {x.other_id for x in skipped}
    skill = next(iter(cohort[5].offers), None)
    if skill is not None:
        for match in m.suggest(table, me.id, W, offers_skill=skill):
            assert skill in table.candidates[table.index[match.other_id]].offers


def test_suggestions_are_fast_at_50000_profiles() -> None:
    rng = random.Random(50)
    table = m.Table(random_candidate(rng, i + 1, skills=60) for i in range(50_000))
    m.suggest(table, 1, W)  # warm up
    start = time.perf_counter()
    people = [c.id for c in table.candidates if c.hours > 0][:20]
    for person_id in people:
        assert len(m.suggest(table, person_id, W)) == 10
    per_call = (time.perf_counter() - start) / 20
    assert per_call < 0.25, f"{per_call * 1000:.1f} ms per suggestion list"


def test_weights_cannot_be_negative() -> None:
    with pytest.raises(ValueError):
        Weights(skills=-1)
