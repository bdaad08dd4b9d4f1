"""Time the matching core: suggestions at 50,000 profiles and matching rounds of 1k/2k/5k.

Each round is timed warm, best of 5, beside SciPy's ``linear_sum_assignment`` alone on the same matrix.

Run: .venv/bin/python -m bench.mentoring_matching  (prints JSON; no database needed)
"""

from __future__ import annotations

import json
import random
import sys
import time

import numpy as np
from scipy.optimize import linear_sum_assignment

from mentoring import matching as m


def candidate(rng: random.Random, id: int) -> m.Candidate:
    return m.Candidate(
        id=id,
        offers=frozenset(rng.sample(range(60), rng.randint(1, 5))),
        wants=frozenset(rng.sample(range(60), rng.randint(1, 3))),
        years=rng.choice([0, 1, 2, 3, 5, 8, 12, 18, 25, 32]),
        languages=frozenset(["nl", *rng.sample(["en", "de", "tr", "ar", "fy", "pl"], rng.randint(0, 2))]),
        hours=rng.choice([2, 4, 6, 8]),
        mode=rng.choice([m.MODE_ONLINE, m.MODE_IN_PERSON, m.MODE_BOTH, m.MODE_BOTH]),
        region=rng.randrange(12),
        organisation=rng.randrange(2000),
        sectors=frozenset(rng.sample(range(10), rng.randint(1, 2))),
        prefers_other_organisation=rng.random() < 0.4,
        sector_preference=rng.choice(["any", "any", "same", "other"]),
    )


def time_round(cohort: list[m.Candidate], weights: m.Weights, repeats: int = 5) -> dict[str, object]:
    """``run_round`` beside SciPy's ``linear_sum_assignment`` alone on the same score matrix (same slots,
    float64, C-contiguous, as ``run_round`` passes it), both warm, taking turns, best of ``repeats`` each."""
    result = m.run_round(cohort, weights)  # warm-up, and the result to check
    table = m.Table(cohort)
    younger, older = m.split_cohort(table.candidates)
    slots = [c for c in older for _ in range(max(1, c.capacity))]
    values, _ = m.round_values(table, younger, slots, weights, forbidden=set(), min_score=0.0)
    rows, cols = linear_sum_assignment(values, maximize=True)
    # The same matrix: the baseline's optimum is the total that run_round reaches.
    assert abs(float(values[rows, cols].sum()) - result.total) <= 1e-6 * max(1.0, result.total)
    totals, scoring, lsa = [], [], []
    for _ in range(repeats):
        start = time.perf_counter()
        m.run_round(cohort, weights)
        totals.append(time.perf_counter() - start)
        start = time.perf_counter()
        m.round_values(table, younger, slots, weights, forbidden=set(), min_score=0.0)
        scoring.append(time.perf_counter() - start)
        start = time.perf_counter()
        linear_sum_assignment(values, maximize=True)
        lsa.append(time.perf_counter() - start)
    best, lsa_best = min(totals), min(lsa)
    return {
        "run_round_s": round(best, 3),
        "score_matrix_s": round(min(scoring), 3),
        "linear_sum_assignment_s": round(lsa_best, 3),
        "ratio": round(best / lsa_best, 2) if lsa_best else None,
        "ratio_of_medians": round(float(np.median(totals) / np.median(lsa)), 2),
        "repeats": repeats,
        "matrix": list(values.shape),
        "pairs": len(result.pairs),
        "unmatched": len(result.unmatched),
    }


def main() -> None:
    rng = random.Random(2026)
    weights = m.Weights()
    out: dict[str, object] = {}
    people = [candidate(rng, i + 1) for i in range(50_000)]
    start = time.perf_counter()
    table = m.Table(people)
    out["table_build_50k_s"] = round(time.perf_counter() - start, 3)
    m.suggest(table, 1, weights)
    times = []
    for pid in range(1, 101):
        start = time.perf_counter()
        m.suggest(table, pid, weights)
        times.append(time.perf_counter() - start)
    out["suggest_50k_ms_median"] = round(1000 * float(np.median(times)), 2)
    out["suggest_50k_ms_p95"] = round(1000 * float(np.percentile(times, 95)), 2)
    for n in (1000, 2000, 5000):
        out[f"round_{n}"] = time_round(people[:n], weights)
    json.dump(out, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
