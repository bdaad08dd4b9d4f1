"""Tables (subgroups) at a meeting: split the attendees into tables of a chosen size that mix
organisations, sectors and roles as much as possible.

The measure. Two people at one table who share an organisation cost 2, who share a sector cost 1,
who share a role (work situation: student, teacher, entrepreneur …) cost 1; an unknown value
shares with no one. A table's **mix** is ``1 - cost / (pairs × 4)``: 1 when nobody shares
anything, 0 when everyone shares everything. A split is as good as its worst table.

The method (deterministic: the same attendees give the same tables):

1. as many tables as needed for ``size`` (``ceil(n / size)``), their sizes differing by at most one;
2. greedy: people from the largest organisations first, each to the table where they add the least
   cost (ties: the emptiest table, then the lowest number);
3. local search: swap two people at different tables whenever that lowers the total cost, until
   no swap does; then swap to lift the worst table while no other table falls below it.

Measured (``bench/meetings_tables.py``, tests/meetings/test_tables.py): 200 attendees from 30
organisations in tables of 8: every table mixes at least as well as the worst table of the best
of 100 random splits, in well under a second.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from accounts.models import Profile

WEIGHTS = (2.0, 1.0, 1.0)  # organisation, sector, role
MAX_PASSES = 50


@dataclass(frozen=True)
class Person:
    user_id: int
    organisation: Hashable | None = None
    sector: Hashable | None = None
    role: Hashable | None = None

    @property
    def values(self) -> tuple[Hashable | None, Hashable | None, Hashable | None]:
        return (self.organisation, self.sector, self.role)


def table_cost(group: Sequence[Person]) -> float:
    """The weighted number of pairs at the table who share an organisation, sector or role."""
    cost = 0.0
    for a, weight in enumerate(WEIGHTS):
        counts = Counter(p.values[a] for p in group if p.values[a] is not None)
        cost += weight * sum(c * (c - 1) / 2 for c in counts.values())
    return cost


def mix(group: Sequence[Person]) -> float:
    """1: nobody at the table shares anything; 0: everyone shares everything (a table of one: 1)."""
    pairs = len(group) * (len(group) - 1) / 2
    if pairs == 0:
        return 1.0
    return 1.0 - table_cost(group) / (pairs * sum(WEIGHTS))


def worst_mix(split: Sequence[Sequence[Person]]) -> float:
    return min((mix(g) for g in split), default=1.0)


def table_sizes(n: int, size: int) -> list[int]:
    """``ceil(n / size)`` tables, sizes differing by at most one (12 people, size 5: 4, 4, 4)."""
    if n <= 0:
        return []
    count = max(1, math.ceil(n / size))
    base, extra = divmod(n, count)
    return [base + 1 if i < extra else base for i in range(count)]


class _State:
    """Tables with per-attribute value counts, for O(1) swap deltas."""

    def __init__(self, capacities: list[int]) -> None:
        self.capacities = capacities
        self.members: list[list[Person]] = [[] for _ in capacities]
        self.counts: list[list[Counter[Hashable]]] = [[Counter(), Counter(), Counter()] for _ in capacities]
        self.costs = [0.0] * len(capacities)

    def add_cost(self, t: int, p: Person) -> float:
        counts = self.counts[t]
        return sum(w * counts[a][v] for a, (w, v) in enumerate(zip(WEIGHTS, p.values, strict=True)) if v is not None)

    def add(self, t: int, p: Person) -> None:
        self.costs[t] += self.add_cost(t, p)
        for a, v in enumerate(p.values):
            if v is not None:
                self.counts[t][a][v] += 1
        self.members[t].append(p)

    def remove(self, t: int, p: Person) -> None:
        for a, v in enumerate(p.values):
            if v is not None:
                self.counts[t][a][v] -= 1
        self.members[t].remove(p)
        self.costs[t] -= self.add_cost(t, p)

    def swap_deltas(self, ta: int, a: Person, tb: int, b: Person) -> tuple[float, float]:
        """The change in cost of table ``ta`` and of table ``tb`` if ``a`` and ``b`` change places."""
        da = db = 0.0
        ca, cb = self.counts[ta], self.counts[tb]
        for i, w in enumerate(WEIGHTS):
            va, vb = a.values[i], b.values[i]
            if va == vb:
                continue
            if va is not None:
                da -= w * (ca[i][va] - 1)
                db += w * cb[i][va]
            if vb is not None:
                da += w * ca[i][vb]
                db -= w * (cb[i][vb] - 1)
        return da, db

    def swap(self, ta: int, a: Person, tb: int, b: Person) -> None:
        self.remove(ta, a)
        self.remove(tb, b)
        self.add(ta, b)
        self.add(tb, a)


def _pairs(n: int) -> float:
    return n * (n - 1) / 2 * sum(WEIGHTS)


def assign(people: Sequence[Person], size: int) -> list[list[Person]]:
    """The people split into tables of at most ``size`` (see the module's docstring)."""
    if size < 2:
        raise ValueError("a table seats at least two")
    capacities = table_sizes(len(people), size)
    if not capacities:
        return []
    state = _State(capacities)
    organisation_size = Counter(p.organisation for p in people if p.organisation is not None)
    order = sorted(
        people,
        key=lambda p: (
            -organisation_size.get(p.organisation, 0) if p.organisation is not None else 1,
            str(p.organisation),
            str(p.sector),
            str(p.role),
            p.user_id,
        ),
    )
    for p in order:
        best = min(
            (t for t in range(len(capacities)) if len(state.members[t]) < capacities[t]),
            key=lambda t: (state.add_cost(t, p), len(state.members[t]), t),
        )
        state.add(best, p)
    _improve_total(state)
    _lift_worst(state)
    return [sorted(m, key=lambda p: p.user_id) for m in state.members]


def _improve_total(state: _State) -> None:
    tables = len(state.members)
    for _pass in range(MAX_PASSES):
        improved = False
        for ta in range(tables):
            for tb in range(ta + 1, tables):
                for a in list(state.members[ta]):
                    if a not in state.members[ta]:
                        continue
                    for b in list(state.members[tb]):
                        da, db = state.swap_deltas(ta, a, tb, b)
                        if da + db < -1e-9:
                            state.swap(ta, a, tb, b)
                            improved = True
                            break
        if not improved:
            return


def _lift_worst(state: _State) -> None:
    """Swap a member of the worst table (by mix) with someone elsewhere when that raises the worst
    table's mix and the other table stays above the old worst."""
    tables = len(state.members)

    def table_mix(t: int, cost: float) -> float:
        pairs = _pairs(len(state.members[t]))
        return 1.0 if pairs == 0 else 1.0 - cost / pairs

    for _step in range(MAX_PASSES * tables):
        mixes = [table_mix(t, state.costs[t]) for t in range(tables)]
        worst = min(range(tables), key=lambda t: (mixes[t], t))
        best_move: tuple[float, int, Person, Person] | None = None
        for tb in range(tables):
            if tb == worst:
                continue
            for a in state.members[worst]:
                for b in state.members[tb]:
                    da, db = state.swap_deltas(worst, a, tb, b)
                    new_worst = table_mix(worst, state.costs[worst] + da)
                    new_other = table_mix(tb, state.costs[tb] + db)
                    if new_worst > mixes[worst] + 1e-9 and new_other > mixes[worst] + 1e-9:
                        gain = min(new_worst, new_other)
                        if best_move is None or gain > best_move[0] + 1e-12:
                            best_move = (gain, tb, a, b)
        if best_move is None:
            return
        _gain, tb, a, b = best_move
        state.swap(worst, a, tb, b)


def people_for(user_ids: Sequence[int]) -> list[Person]:
    """The attendees' organisation, first sector and work situation from their profiles (two queries)."""
    rows = Profile.objects.filter(user_id__in=user_ids).values_list("user_id", "organisation_id", "work_situation")
    sectors: dict[int, int] = {}
    through = Profile.sectors.through.objects.filter(profile__user_id__in=user_ids).order_by("sector_id")
    for uid, sector in through.values_list("profile__user_id", "sector_id"):
        sectors.setdefault(uid, sector)
    known = {uid: (org, role or None) for uid, org, role in rows}
    people = []
    for uid in user_ids:
        org, role = known.get(uid, (None, None))
        people.append(Person(user_id=uid, organisation=org, sector=sectors.get(uid), role=role))
    return people
