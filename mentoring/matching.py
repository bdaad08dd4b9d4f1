"""Reciprocal matching for two-way mentoring.

Plain Python with NumPy and SciPy; no Django. The Django side turns profiles into
``Candidate`` rows, calls ``suggest`` or ``run_round`` and renders the ``Reason`` rows.

The score of a pair is the same seen from either side. Every criterion is symmetric:

- **skills**: how much of A's wants B offers (``learn_a``) and how much of B's wants A
  offers (``learn_b``), combined as the geometric mean ``sqrt(learn_a * learn_b)``, so a
  pair where only one learns scores 0 on this criterion and a balanced pair scores more
  than a lopsided one with the same total coverage;
- **experience**: the gap in years of experience, full marks from ``EXPERIENCE_GAP_FULL``;
- **availability**: the smaller of the two monthly hours over the larger one;
- **region**: the same region, only counted when the two can meet in person;
- **organisation**: a different organisation, only counted when one of them asks for it;
- **sector**: the share of stated sector preferences (same / other) that the pair meets,
  only counted when one of them states one.

A pair's score is ``100 * sum(weight * value) / sum(weight)`` over the criteria that count
for that pair, so the points per criterion (``Reason.points``) add up to the score.

Hard constraints are separate from the score: the two are different people, share a
language, have a meeting mode in common and both have time. A pair that breaks one is
never suggested and never matched.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy.optimize import linear_sum_assignment

MODE_ONLINE = 1
MODE_IN_PERSON = 2
MODE_BOTH = MODE_ONLINE | MODE_IN_PERSON

SECTOR_ANY = "any"
SECTOR_SAME = "same"
SECTOR_OTHER = "other"
_SECTOR_CODES = {SECTOR_ANY: 0, SECTOR_SAME: 1, SECTOR_OTHER: 2}

EXPERIENCE_GAP_FULL = 15.0  # years of difference that earn the full experience points

CRITERIA = ("skills", "experience", "availability", "region", "organisation", "sector")

# Why someone stays unmatched after a round.
NO_SHARED_LANGUAGE = "no_shared_language"
NO_COMMON_MODE = "no_common_mode"
NO_TIME = "no_time"
ONLY_PREVIOUS_PARTNERS = "only_previous_partners"
NO_PARTNER_LEFT = "no_partner_left"
BELOW_MINIMUM = "below_minimum"

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Candidate:
    """One member as matching sees them. Skills, regions, organisations and sectors are ids."""

    id: int
    offers: frozenset[int] = frozenset()
    wants: frozenset[int] = frozenset()
    years: int = 0
    languages: frozenset[str] = frozenset()
    hours: int = 0
    mode: int = MODE_BOTH
    region: int | None = None
    organisation: int | None = None
    sectors: frozenset[int] = frozenset()
    prefers_other_organisation: bool = False
    sector_preference: str = SECTOR_ANY
    capacity: int = 1


@dataclass(frozen=True)
class Weights:
    skills: float = 40.0
    experience: float = 20.0
    availability: float = 15.0
    region: float = 10.0
    organisation: float = 5.0
    sector: float = 10.0

    def __post_init__(self) -> None:
        if any(getattr(self, name) < 0 for name in CRITERIA):
            raise ValueError("Weights cannot be negative.")


@dataclass(frozen=True)
class Reason:
    """One criterion's contribution to a pair's score, with what a sentence needs."""

    criterion: str
    points: float
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Match:
    """A scored pair seen from ``for_id``'s side."""

    for_id: int
    other_id: int
    score: float
    reasons: list[Reason]
    # The shared languages: a hard constraint, no points.
    languages: frozenset[str] = frozenset()


# --- Scalar scoring (one pair, used for reasons) -------------------------------------


def common_mode(a: Candidate, b: Candidate) -> int:
    return a.mode & b.mode


def hard_constraint_failure(a: Candidate, b: Candidate) -> str | None:
    """The first hard constraint a pair breaks, or None if the pair may be matched."""
    if a.id == b.id:
        return "same_person"
    if not a.languages & b.languages:
        return NO_SHARED_LANGUAGE
    if not common_mode(a, b):
        return NO_COMMON_MODE
    if a.hours <= 0 or b.hours <= 0:
        return NO_TIME
    return None


def _coverage(wants: frozenset[int], offers: frozenset[int]) -> float:
    return len(wants & offers) / len(wants) if wants else 0.0


def _values(a: Candidate, b: Candidate) -> tuple[dict[str, float], dict[str, bool]]:
    """Each criterion's value in [0, 1] and whether it counts for this pair."""
    learn_a = _coverage(a.wants, b.offers)
    learn_b = _coverage(b.wants, a.offers)
    gap = abs(a.years - b.years)
    high, low = max(a.hours, b.hours), min(a.hours, b.hours)
    shared_sector = bool(a.sectors & b.sectors)
    stated = [p for p in (a.sector_preference, b.sector_preference) if p != SECTOR_ANY]
    met = sum(1 for p in stated if (p == SECTOR_SAME) == shared_sector)
    values = {
        "skills": float(np.sqrt(learn_a * learn_b)),
        "experience": min(float(gap), EXPERIENCE_GAP_FULL) / EXPERIENCE_GAP_FULL,
        "availability": low / high if high > 0 else 0.0,
        "region": 1.0 if a.region is not None and a.region == b.region else 0.0,
        "organisation": 0.0 if a.organisation is not None and a.organisation == b.organisation else 1.0,
        "sector": met / len(stated) if stated else 0.0,
    }
    counts = {
        "skills": True,
        "experience": True,
        "availability": True,
        "region": bool(common_mode(a, b) & MODE_IN_PERSON),
        "organisation": a.prefers_other_organisation or b.prefers_other_organisation,
        "sector": bool(stated),
    }
    return values, counts


def explain(a: Candidate, b: Candidate, weights: Weights) -> Match:
    """The score of the pair (a, b) with one reason per counted criterion, from a's side."""
    values, counts = _values(a, b)
    total_weight = sum(getattr(weights, c) for c in CRITERIA if counts[c])
    reasons: list[Reason] = []
    for criterion in CRITERIA:
        if not counts[criterion]:
            continue
        points = 100.0 * getattr(weights, criterion) * values[criterion] / total_weight if total_weight else 0.0
        reasons.append(Reason(criterion=criterion, points=points, data=_reason_data(criterion, a, b)))
    score = float(sum(r.points for r in reasons))
    return Match(for_id=a.id, other_id=b.id, score=score, reasons=reasons, languages=a.languages & b.languages)


def _reason_data(criterion: str, a: Candidate, b: Candidate) -> dict[str, Any]:
    if criterion == "skills":
        return {
            "they_teach": sorted(a.wants & b.offers),
            "you_teach": sorted(b.wants & a.offers),
            "your_wants": len(a.wants),
            "their_wants": len(b.wants),
        }
    if criterion == "experience":
        return {"your_years": a.years, "their_years": b.years, "gap": abs(a.years - b.years)}
    if criterion == "availability":
        return {"your_hours": a.hours, "their_hours": b.hours, "mode": common_mode(a, b)}
    if criterion == "region":
        return {
            "same": a.region is not None and a.region == b.region,
            "your_region": a.region,
            "their_region": b.region,
        }
    if criterion == "organisation":
        return {"different": not (a.organisation is not None and a.organisation == b.organisation)}
    shared = sorted(a.sectors & b.sectors)
    return {
        "shared": shared,
        "your_preference": a.sector_preference,
        "their_preference": b.sector_preference,
    }


def points_for_display(reasons: Sequence[Reason]) -> list[int]:
    """Whole points per reason that add up to the rounded total (largest remainder)."""
    raw = [r.points for r in reasons]
    target = round(sum(raw))
    floors = [int(np.floor(p)) for p in raw]
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - floors[i]), i))
    for i in order[: max(0, target - sum(floors))]:
        floors[i] += 1
    return floors


# --- Vectorised scoring ----------------------------------------------------------------


class Table:
    """Candidates as arrays, built once and scored many times."""

    def __init__(self, candidates: Iterable[Candidate]) -> None:
        self.candidates = sorted(candidates, key=lambda c: c.id)
        n = len(self.candidates)
        self.ids: IntArray = np.fromiter((c.id for c in self.candidates), dtype=np.int64, count=n)
        self.index = {c.id: i for i, c in enumerate(self.candidates)}
        if len(self.index) != n:
            raise ValueError("Candidate ids must be unique.")
        skills = sorted({s for c in self.candidates for s in c.offers | c.wants})
        self.skill_column = {s: i for i, s in enumerate(skills)}
        languages = sorted({lang for c in self.candidates for lang in c.languages})
        language_column = {lang: i for i, lang in enumerate(languages)}
        sectors = sorted({s for c in self.candidates for s in c.sectors})
        sector_column = {s: i for i, s in enumerate(sectors)}

        self.offers = self._onehot(n, len(skills), (c.offers for c in self.candidates), self.skill_column)
        self.wants = self._onehot(n, len(skills), (c.wants for c in self.candidates), self.skill_column)
        self.want_count = np.maximum(self.wants.sum(axis=1), 1.0)
        self.languages = self._onehot(n, len(languages), (c.languages for c in self.candidates), language_column)
        self.sectors = self._onehot(n, len(sectors), (c.sectors for c in self.candidates), sector_column)
        self.years = np.array([c.years for c in self.candidates], dtype=np.float64)
        self.hours = np.array([c.hours for c in self.candidates], dtype=np.float64)
        self.mode = np.array([c.mode for c in self.candidates], dtype=np.int64)
        self.region = np.array([-1 if c.region is None else c.region for c in self.candidates], dtype=np.int64)
        self.organisation = np.array(
            [-1 if c.organisation is None else c.organisation for c in self.candidates], dtype=np.int64
        )
        self.prefers_other = np.array([c.prefers_other_organisation for c in self.candidates], dtype=np.bool_)
        self.sector_pref = np.array([_SECTOR_CODES[c.sector_preference] for c in self.candidates], dtype=np.int64)

    @staticmethod
    def _onehot(n: int, width: int, rows: Iterable[frozenset[Any]], column: dict[Any, int]) -> FloatArray:
        matrix = np.zeros((n, width), dtype=np.float64)
        for i, values in enumerate(rows):
            for value in values:
                matrix[i, column[value]] = 1.0
        return matrix

    def __len__(self) -> int:
        return len(self.candidates)

    def block(self, rows: IntArray, cols: IntArray, weights: Weights) -> tuple[FloatArray, BoolArray]:
        """Scores and feasibility of every (row, col) pair, as len(rows) × len(cols) arrays."""
        r, c = rows, cols
        learn_r = (self.wants[r] @ self.offers[c].T) / self.want_count[r][:, None]
        learn_c = (self.offers[r] @ self.wants[c].T) / self.want_count[c][None, :]
        skills = np.sqrt(learn_r * learn_c)
        experience = np.minimum(np.abs(self.years[r][:, None] - self.years[c][None, :]), EXPERIENCE_GAP_FULL)
        experience /= EXPERIENCE_GAP_FULL
        hours_r, hours_c = self.hours[r][:, None], self.hours[c][None, :]
        high = np.maximum(hours_r, hours_c)
        availability = np.divide(np.minimum(hours_r, hours_c), high, out=np.zeros_like(high), where=high > 0)
        mode = self.mode[r][:, None] & self.mode[c][None, :]
        region_counts = (mode & MODE_IN_PERSON) != 0
        region_r = self.region[r][:, None]
        same_region = (region_r == self.region[c][None, :]) & (region_r >= 0)
        org_counts = self.prefers_other[r][:, None] | self.prefers_other[c][None, :]
        org_r = self.organisation[r][:, None]
        same_org = (org_r == self.organisation[c][None, :]) & (org_r >= 0)
        shared_sector = (self.sectors[r] @ self.sectors[c].T) > 0
        pref_r, pref_c = self.sector_pref[r][:, None], self.sector_pref[c][None, :]
        met = ((pref_r == 1) & shared_sector).astype(np.float64) + ((pref_r == 2) & ~shared_sector)
        met += ((pref_c == 1) & shared_sector).astype(np.float64) + ((pref_c == 2) & ~shared_sector)
        stated = (pref_r > 0).astype(np.float64) + (pref_c > 0)
        sector = np.divide(met, stated, out=np.zeros_like(met), where=stated > 0)

        w = weights
        numerator = w.skills * skills + w.experience * experience + w.availability * availability
        numerator += w.region * (region_counts & same_region)
        numerator += w.organisation * (org_counts & ~same_org)
        numerator += w.sector * sector
        denominator = w.skills + w.experience + w.availability + w.region * region_counts.astype(np.float64)
        denominator = denominator + w.organisation * org_counts + w.sector * (stated > 0)
        scores = np.divide(100.0 * numerator, denominator, out=np.zeros_like(numerator), where=denominator > 0)

        feasible = (self.languages[r] @ self.languages[c].T) > 0
        feasible &= mode != 0
        feasible &= (hours_r > 0) & (hours_c > 0)
        feasible &= self.ids[r][:, None] != self.ids[c][None, :]
        return scores, feasible


# --- Suggestions -------------------------------------------------------------------------


def suggest(
    table: Table,
    for_id: int,
    weights: Weights,
    *,
    limit: int = 10,
    exclude: Iterable[int] = (),
    only: Iterable[int] | None = None,
    offers_skill: int | None = None,
    same_region: bool = False,
) -> list[Match]:
    """The best ``limit`` partners for one member, best first, ties broken by id."""
    i = table.index[for_id]
    scores, feasible = table.block(np.array([i]), np.arange(len(table)), weights)
    allowed = feasible[0].copy()
    if only is not None:
        keep = np.zeros(len(table), dtype=np.bool_)
        keep[[table.index[x] for x in only if x in table.index]] = True
        allowed &= keep
    excluded = [table.index[x] for x in exclude if x in table.index]
    allowed[excluded] = False
    if offers_skill is not None:
        column = table.skill_column.get(offers_skill)
        if column is None:
            return []
        allowed &= table.offers[:, column] > 0
    if same_region:
        allowed &= (table.region == table.region[i]) & (table.region >= 0)
    candidates = np.flatnonzero(allowed)
    if not len(candidates) or limit <= 0:
        return []
    row = scores[0][candidates]
    if len(candidates) > limit:
        top = np.argpartition(-row, limit - 1)[:limit]
        # Include every candidate tied with the cut-off so that ties break by id, not by chance.
        cutoff = row[top].min()
        top = np.flatnonzero(row >= cutoff)
        candidates, row = candidates[top], row[top]
    order = np.lexsort((table.ids[candidates], -row))[:limit]
    me = table.candidates[i]
    return [explain(me, table.candidates[j], weights) for j in candidates[order]]


# --- Matching round ------------------------------------------------------------------------


@dataclass(frozen=True)
class Pair:
    younger_id: int
    older_id: int
    score: float


@dataclass(frozen=True)
class Unmatched:
    id: int
    reason: str


@dataclass(frozen=True)
class RoundResult:
    pairs: list[Pair]
    unmatched: list[Unmatched]

    @property
    def total(self) -> float:
        return float(sum(p.score for p in self.pairs))


def split_cohort(candidates: Sequence[Candidate]) -> tuple[list[Candidate], list[Candidate]]:
    """The less experienced half and the more experienced half (ties by id)."""
    ordered = sorted(candidates, key=lambda c: (c.years, c.id))
    half = len(ordered) // 2
    return ordered[:half], ordered[half:]


def round_values(
    table: Table,
    younger: Sequence[Candidate],
    older_slots: Sequence[Candidate],
    weights: Weights,
    *,
    forbidden: set[frozenset[int]],
    min_score: float,
    chunk: int = 1024,
) -> tuple[FloatArray, BoolArray]:
    """The value of each (younger, older slot) pair for the assignment: the score where the
    pair is allowed and good enough, 0 elsewhere; and where the hard constraints hold."""
    rows = np.array([table.index[c.id] for c in younger], dtype=np.int64)
    cols = np.array([table.index[c.id] for c in older_slots], dtype=np.int64)
    values = np.zeros((len(rows), len(cols)), dtype=np.float64)
    feasible = np.zeros((len(rows), len(cols)), dtype=np.bool_)
    for start in range(0, len(rows), chunk):
        scores, ok = table.block(rows[start : start + chunk], cols, weights)
        feasible[start : start + chunk] = ok
        values[start : start + chunk] = np.where(ok & (scores >= min_score) & (scores > 0), scores, 0.0)
    if forbidden:
        col_of: dict[int, list[int]] = {}
        for j, c in enumerate(older_slots):
            col_of.setdefault(c.id, []).append(j)
        row_of = {c.id: i for i, c in enumerate(younger)}
        for pair in forbidden:
            ids = tuple(pair)
            if len(ids) != 2:
                continue
            for a, b in (ids, ids[::-1]):
                if a in row_of and b in col_of:
                    values[row_of[a], col_of[b]] = 0.0
    return values, feasible


def run_round(
    candidates: Sequence[Candidate],
    weights: Weights,
    *,
    forbidden: Iterable[frozenset[int]] = (),
    min_score: float = 0.0,
) -> RoundResult:
    """One-to-one assignment of the less experienced half to the more experienced half
    that maximises the total score, respecting hard constraints, forbidden pairs (for
    example earlier partners) and capacity (an experienced member with capacity k can be
    matched k times). Deterministic: the same input gives the same pairs."""
    forbidden_set = {frozenset(p) for p in forbidden}
    table = Table(candidates)
    younger, older = split_cohort(table.candidates)
    slots = [c for c in older for _ in range(max(1, c.capacity))]
    if not younger or not slots:
        return RoundResult(pairs=[], unmatched=[Unmatched(c.id, NO_PARTNER_LEFT) for c in table.candidates])
    values, feasible = round_values(table, younger, slots, weights, forbidden=forbidden_set, min_score=min_score)
    rows, cols = linear_sum_assignment(values, maximize=True)
    pairs: list[Pair] = []
    matched: set[int] = set()
    for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
        if values[i, j] > 0:
            pairs.append(Pair(younger_id=younger[i].id, older_id=slots[j].id, score=float(values[i, j])))
            matched.update((younger[i].id, slots[j].id))
    pairs.sort(key=lambda p: (p.younger_id, p.older_id))

    unmatched: list[Unmatched] = []
    first_slot: dict[int, int] = {}
    for j, c in enumerate(slots):
        first_slot.setdefault(c.id, j)
    for i, c in enumerate(younger):
        if c.id not in matched:
            reason = _why_unmatched(c, slots, feasible[i, :], values[i, :], forbidden_set)
            unmatched.append(Unmatched(c.id, reason))
    for c in older:
        if c.id not in matched:
            j = first_slot[c.id]
            unmatched.append(Unmatched(c.id, _why_unmatched(c, younger, feasible[:, j], values[:, j], forbidden_set)))
    unmatched.sort(key=lambda u: u.id)
    return RoundResult(pairs=pairs, unmatched=unmatched)


def _why_unmatched(
    person: Candidate,
    others: Sequence[Candidate],
    feasible: BoolArray,
    values: FloatArray,
    forbidden: set[frozenset[int]],
) -> str:
    """Why ``person`` has no partner; ``others`` line up with ``feasible`` and ``values``."""
    if person.hours <= 0:
        return NO_TIME
    if not feasible.any():
        if not any(person.languages & o.languages for o in others):
            return NO_SHARED_LANGUAGE
        if not any(person.mode & o.mode for o in others):
            return NO_COMMON_MODE
        return NO_TIME
    compatible = {others[k].id for k in np.flatnonzero(feasible).tolist()}
    if all(frozenset((person.id, other)) in forbidden for other in compatible):
        return ONLY_PREVIOUS_PARTNERS
    if not (values > 0).any():
        return BELOW_MINIMUM
    return NO_PARTNER_LEFT


def brute_force_round(
    candidates: Sequence[Candidate],
    weights: Weights,
    *,
    forbidden: Iterable[frozenset[int]] = (),
    min_score: float = 0.0,
) -> float:
    """The best total by trying every matching (for tests on cohorts of at most 8)."""
    forbidden_set = {frozenset(p) for p in forbidden}
    table = Table(candidates)
    younger, older = split_cohort(table.candidates)
    slots = [c for c in older for _ in range(max(1, c.capacity))]
    values, _ = round_values(table, younger, slots, weights, forbidden=forbidden_set, min_score=min_score)
    best = 0.0
    options = [*range(len(slots)), *([-1] * len(younger))]
    for choice in set(itertools.permutations(options, len(younger))):
        used = [j for j in choice if j >= 0]
        if len(used) != len(set(used)):
            continue
        best = max(best, float(sum(values[i, j] for i, j in enumerate(choice) if j >= 0)))
    return best
