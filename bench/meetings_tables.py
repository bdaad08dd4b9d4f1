"""Tables at a meeting: 200 attendees from 30 organisations split into tables of 8 by
``meetings.tables.assign``, against 100 random splits into the same table sizes.

No database: synthetic attendees with skewed organisation sizes (a few large employers and schools,
many small firms), sectors that mostly follow the organisation, and seven roles. The same generator
drives ``tests/meetings/test_tables.py``. Reported: the time of ``assign`` (best and worst of a few
runs, each on a fresh set), the worst table's mix of the optimised split, and of the best of 100
random splits (the split whose worst table is best), and the mean mix of both.
"""

from __future__ import annotations

import random
import statistics
import time
from typing import Any

ATTENDEES = 200
ORGANISATIONS = 30
TABLE_SIZE = 8
RANDOM_SPLITS = 100
SECTORS = 10
ROLES = 7


def attendees(seed: int, n: int = ATTENDEES, organisations: int = ORGANISATIONS) -> list[Any]:
    from meetings.tables import Person

    rng = random.Random(seed)
    weights = [1 / (i + 1) for i in range(organisations)]  # Zipf-like: org 0 is the biggest
    people = []
    for i in range(n):
        # Every organisation sends someone; the rest come in Zipf-like proportions.
        org = i if i < organisations else rng.choices(range(organisations), weights=weights)[0]
        sector = org % SECTORS if rng.random() < 0.7 else rng.randrange(SECTORS)
        people.append(Person(user_id=i + 1, organisation=org, sector=sector, role=rng.randrange(ROLES)))
    return people


def random_splits(people: list[Any], size: int, count: int, seed: int) -> list[list[list[Any]]]:
    from meetings.tables import table_sizes

    rng = random.Random(seed)
    sizes = table_sizes(len(people), size)
    splits = []
    for _ in range(count):
        shuffled = list(people)
        rng.shuffle(shuffled)
        split, at = [], 0
        for s in sizes:
            split.append(shuffled[at : at + s])
            at += s
        splits.append(split)
    return splits


def compare(seed: int) -> dict[str, Any]:
    from meetings.tables import assign, mix, worst_mix

    people = attendees(seed)
    start = time.perf_counter()
    split = assign(people, TABLE_SIZE)
    elapsed = time.perf_counter() - start
    randoms = random_splits(people, TABLE_SIZE, RANDOM_SPLITS, seed + 1)
    best_random = max(randoms, key=worst_mix)
    return {
        "seed": seed,
        "assign_ms": round(1000 * elapsed, 1),
        "tables": len(split),
        "worst_mix": round(worst_mix(split), 4),
        "mean_mix": round(statistics.mean(mix(t) for t in split), 4),
        "best_random_worst_mix": round(worst_mix(best_random), 4),
        "best_random_mean_mix": round(max(statistics.mean(mix(t) for t in r) for r in randoms), 4),
    }


def run(seeds: int = 5) -> dict[str, Any]:
    rows = [compare(seed) for seed in range(seeds)]
    return {
        "attendees": ATTENDEES,
        "organisations": ORGANISATIONS,
        "table_size": TABLE_SIZE,
        "random_splits": RANDOM_SPLITS,
        "runs": rows,
        "assign_ms_max": max(r["assign_ms"] for r in rows),
        "every_table_beats_best_random": all(r["worst_mix"] >= r["best_random_worst_mix"] for r in rows),
    }


if __name__ == "__main__":
    import json
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()  # meetings.tables reads profiles through the ORM (not here: no database is touched)
    print(json.dumps(run(), indent=2))
