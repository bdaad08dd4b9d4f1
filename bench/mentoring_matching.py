"""Time the matching core: suggestions at 50,000 profiles and matching rounds of 1k/2k/5k.

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
        cohort = people[:n]
        start = time.perf_counter()
        result = m.run_round(cohort, weights)
        total = time.perf_counter() - start
        t = m.Table(cohort)
        younger, older = m.split_cohort(t.candidates)
        values, _ = m.round_values(t, younger, older, weights, forbidden=set(), min_score=0.0)
        start = time.perf_counter()
        linear_sum_assignment(values, maximize=True)
        lsa = time.perf_counter() - start
        out[f"round_{n}"] = {
            "total_s": round(total, 3),
            "linear_sum_assignment_alone_s": round(lsa, 3),
            "pairs": len(result.pairs),
            "unmatched": len(result.unmatched),
        }
    json.dump(out, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
