"""Matching: suggestions among 50,000 profiles; rounds of 1k/2k/5k vs SciPy alone.

Uses ``mentoring.matching``'s public API on synthetic candidates (no database), the same
generator as ``bench/mentoring_matching.py``. A round is timed warm, best of 5, taking turns with
``linear_sum_assignment`` alone on the same score matrix (``time_round``).
"""

from __future__ import annotations

import random
import statistics
import time
from typing import Any

from bench.mentoring_matching import candidate, time_round


def run(profiles: int, rounds: list[int], budget_s: float) -> dict[str, Any]:
    from mentoring import matching as m

    rng = random.Random(2026)
    weights = m.Weights()
    people = [candidate(rng, i + 1) for i in range(profiles)]
    out: dict[str, Any] = {"profiles": profiles}
    start = time.perf_counter()
    table = m.Table(people)
    out["table_build_ms"] = round(1000 * (time.perf_counter() - start), 1)
    m.suggest(table, 1, weights)
    times = []
    end = time.monotonic() + budget_s / 4
    for pid in range(1, 101):
        start = time.perf_counter()
        m.suggest(table, pid, weights)
        times.append(1000 * (time.perf_counter() - start))
        if time.monotonic() > end:
            break
    times.sort()
    out["suggest"] = {
        "n": len(times),
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[min(len(times) - 1, int(0.95 * len(times)))], 2),
    }
    for n in rounds:
        out[f"round_{n}"] = time_round(people[:n], weights)
    return out
