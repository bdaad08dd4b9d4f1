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
from typing import Any, cast

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
        skills = sorted(frozenset().union(*(c.offers for c in self.candidates), *(c.wants for c in self.candidates)))
        self.skill_column = {s: i for i, s in enumerate(skills)}
        languages = sorted(frozenset().union(*(c.languages for c in self.candidates)))
        language_column = {lang: i for i, lang in enumerate(languages)}
        sectors = sorted(frozenset().union(*(c.sectors for c in self.candidates)))
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
        sets = list(rows)
        lengths = np.fromiter(map(len, sets), dtype=np.int64, count=n)
        columns = np.fromiter(map(column.__getitem__, itertools.chain.from_iterable(sets)), dtype=np.int64)
        matrix[np.repeat(np.arange(n), lengths), columns] = 1.0
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


def _bits(onehot: FloatArray) -> npt.NDArray[np.unsignedinteger[Any]]:
    """Each row of a 0/1 matrix as bit words: shape (rows, words), in the narrowest unsigned type that holds a
    row when there are at most 32 columns, else in 64-bit words."""
    width = onehot.shape[1]
    dtype: type[np.unsignedinteger[Any]] = np.uint64
    for kind, size in ((np.uint8, 8), (np.uint16, 16), (np.uint32, 32)):
        if width <= size:
            dtype = kind
            break
    size = np.dtype(dtype).itemsize * 8
    words = max(1, -(-width // size))
    padded = np.zeros((onehot.shape[0], words * size), dtype=np.bool_)
    padded[:, :width] = onehot > 0
    place = np.left_shift(np.ones(size, dtype=dtype), np.arange(size, dtype=dtype))
    return (padded.reshape(onehot.shape[0], words, size) * place).sum(axis=2, dtype=dtype)


def _overlaps(
    row_bits: npt.NDArray[np.unsignedinteger[Any]],
    col_bits: npt.NDArray[np.unsignedinteger[Any]],
    out: BoolArray,
    scratch: BoolArray,
) -> BoolArray:
    """out[i, j]: whether row i and column j (both from ``_bits``) share a set bit."""
    np.not_equal(row_bits[:, 0, None] & col_bits[None, :, 0], 0, out=out)
    for word in range(1, row_bits.shape[1]):
        out |= np.not_equal(row_bits[:, word, None] & col_bits[None, :, word], 0, out=scratch)
    return out


def _shared_count(
    row_bits: npt.NDArray[np.unsignedinteger[Any]], col_bits: npt.NDArray[np.unsignedinteger[Any]]
) -> FloatArray:
    """The number of set bits that row_bits[k] and col_bits[k] share, for each k."""
    return np.bitwise_count(row_bits & col_bits).sum(axis=1, dtype=np.float64)


def _codes(rows: IntArray, cols: IntArray) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.int32]]:
    """Region or organisation ids as small codes where a negative id (none) never equals anything."""
    _, inverse = np.unique(np.concatenate([rows, cols]), return_inverse=True)
    codes = inverse.astype(np.int32)
    return (
        np.where(rows >= 0, codes[: len(rows)], np.int32(-1)),
        np.where(cols >= 0, codes[len(rows) :], np.int32(-2)),
    )


class _RoundScorer:
    """The values of (row, column) pairs for a round: bit for bit what ``Table.block`` and the rule in
    ``_round_values_reference`` give, computed several times faster.

    - Rows are grouped by category (mode, sector preference, organisation preference, time or not); within a
      group whatever depends only on the category is one precomputed row of column values, broadcast.
    - Rows go through in chunks small enough for the CPU cache, with buffers reused.
    - The skills term is only computed where both learn something (about 1 pair in 100 in a typical cohort):
      elsewhere it is exactly 0 and adding it changes nothing. Set overlaps are bit operations, not BLAS
      (whose threads wait on each other on a busy 2-core machine).

    Every score goes through the same floating-point operations in the same order as in ``Table.block``; only
    exact steps (integer counts, adding zero, multiplying by one or zero, commuted products) differ. Needs
    finite scores (``round_values`` checks the weights)."""

    def __init__(
        self, table: Table, rows: IntArray, cols: IntArray, weights: Weights, min_score: float, chunk: int | None
    ) -> None:
        t, w = table, weights
        self.weights, self.min_score = w, min_score
        self.m = m = len(cols)
        # Rows per chunk (unless given): a few float64 arrays of chunk × m fit in the CPU cache together.
        self.chunk = chunk or max(8, min(512, 65_536 // max(m, 1)))
        # Group the rows by category.
        _, mode_code = np.unique(t.mode[rows], return_inverse=True)
        pref_all, other_all, time_all = t.sector_pref[rows], t.prefers_other[rows], t.hours[rows] > 0
        key = ((mode_code * 3 + pref_all) * 2 + other_all) * 2 + time_all
        _, first, category = np.unique(key, return_index=True, return_inverse=True)
        order = np.argsort(category, kind="stable")
        self.group_bounds = np.searchsorted(category[order], np.arange(len(first) + 1)).tolist()
        r = rows[order]
        self.out_rows = order  # position in the output of each row, in processing order
        self.rows = r
        self.same_person = bool(np.intersect1d(rows, cols).size)
        self.cols = cols
        # Row side, in processing order.
        self.wants_r, self.offers_r = _bits(t.wants[r]), _bits(t.offers[r])
        self.want_count_r = t.want_count[r]
        self.languages_r, self.sectors_r = _bits(t.languages[r]), _bits(t.sectors[r])
        region_r, self.region_c = _codes(t.region[r], t.region[cols])
        org_r, self.org_c = _codes(t.organisation[r], t.organisation[cols])
        self.region_r, self.org_r = region_r[:, None], org_r[:, None]
        # Column side.
        self.wants_c, self.offers_c = _bits(t.wants[cols]), _bits(t.offers[cols])
        self.want_count_c = t.want_count[cols]
        self.languages_c, self.sectors_c = _bits(t.languages[cols]), _bits(t.sectors[cols])
        # Experience and availability for each distinct row value, with the arithmetic of Table.block.
        years, self.year_of = np.unique(t.years[r], return_inverse=True)
        experience = np.minimum(np.abs(years[:, None] - t.years[cols][None, :]), EXPERIENCE_GAP_FULL)
        experience /= EXPERIENCE_GAP_FULL
        self.experience = w.experience * experience
        hours, self.hours_of = np.unique(t.hours[r], return_inverse=True)
        hours_r, hours_c = hours[:, None], t.hours[cols][None, :]
        high = np.maximum(hours_r, hours_c)
        availability = np.divide(np.minimum(hours_r, hours_c), high, out=np.zeros_like(high), where=high > 0)
        self.availability = w.availability * availability
        # Per category, one row over the columns each.
        mode = t.mode[rows][first][:, None] & t.mode[cols][None, :]
        self.base_feasible = (mode != 0) & (t.hours[cols][None, :] > 0) & time_all[first][:, None]
        region_counts = (mode & MODE_IN_PERSON) != 0
        org_counts = other_all[first][:, None] | t.prefers_other[cols][None, :]
        pref_r, pref_c = pref_all[first][:, None], t.sector_pref[cols][None, :]
        stated = (pref_r > 0).astype(np.float64) + (pref_c > 0)
        denominator = w.skills + w.experience + w.availability + w.region * region_counts.astype(np.float64)
        denominator = denominator + w.organisation * org_counts + w.sector * (stated > 0)
        self.region_counts, self.org_counts, self.denominator = region_counts, org_counts, denominator
        self.sector_terms = [self._sector_term(w, pref_r, pref_c, shared) for shared in (False, True)]

    @staticmethod
    def _sector_term(w: Weights, pref_r: IntArray, pref_c: IntArray, shared_sector: bool) -> FloatArray:
        """w.sector * the sector value, as in Table.block, for a pair that shares a sector or not."""
        shared = np.full((pref_r.shape[0], pref_c.shape[1]), shared_sector)
        met = ((pref_r == 1) & shared).astype(np.float64) + ((pref_r == 2) & ~shared)
        met += ((pref_c == 1) & shared).astype(np.float64) + ((pref_c == 2) & ~shared)
        stated = (pref_r > 0).astype(np.float64) + (pref_c > 0)
        sector = np.divide(met, stated, out=np.zeros_like(met), where=stated > 0)
        return w.sector * sector

    def fill(self, values: FloatArray, feasible: BoolArray, col_of_slot: IntArray | None) -> None:
        """Write every row's values and feasibility into ``values`` and ``feasible``, whose columns are
        ``self.cols[col_of_slot]`` (or ``self.cols`` when ``col_of_slot`` is None)."""
        w, m, chunk = self.weights, self.m, self.chunk
        num_buf, tmp_buf = np.empty((chunk, m)), np.empty((chunk, m))
        b1, b2, b3 = (np.empty((chunk, m), dtype=np.bool_) for _ in range(3))
        for g in range(len(self.group_bounds) - 1):
            region_counts, org_counts = self.region_counts[g], self.org_counts[g]
            sector_no, sector_yes = self.sector_terms[0][g], self.sector_terms[1][g]
            base_feasible, denominator = self.base_feasible[g], self.denominator[g]
            count_region, count_org = bool(region_counts.any()), bool(org_counts.any())
            count_sector = bool(sector_no.any() or sector_yes.any())
            all_positive = bool((denominator > 0).all())
            for start in range(self.group_bounds[g], self.group_bounds[g + 1], chunk):
                stop = min(start + chunk, self.group_bounds[g + 1])
                k = stop - start
                out_rows = self.out_rows[start:stop]
                if not base_feasible.any():
                    values[out_rows] = 0.0
                    feasible[out_rows] = False
                    continue
                num, tmp, c1, c2, c3 = num_buf[:k], tmp_buf[:k], b1[:k], b2[:k], b3[:k]
                np.take(self.experience, self.year_of[start:stop], axis=0, out=num, mode="clip")
                # skills, only where both learn something
                _overlaps(self.wants_r[start:stop], self.offers_c, c1, c3)
                c1 &= _overlaps(self.offers_r[start:stop], self.wants_c, c2, c3)
                both = np.flatnonzero(c1)
                if both.size:
                    i, j = np.divmod(both, m)
                    i += start
                    learn_r = _shared_count(self.wants_r[i], self.offers_c[j]) / self.want_count_r[i]
                    learn_c = _shared_count(self.offers_r[i], self.wants_c[j]) / self.want_count_c[j]
                    flat = num.reshape(-1)
                    flat[both] = w.skills * np.sqrt(learn_r * learn_c) + flat[both]
                num += np.take(self.availability, self.hours_of[start:stop], axis=0, out=tmp, mode="clip")
                if count_region:
                    np.equal(self.region_r[start:stop], self.region_c[None, :], out=c1)
                    c1 &= region_counts
                    num += np.multiply(c1, w.region, out=tmp)
                if count_org:
                    np.not_equal(self.org_r[start:stop], self.org_c[None, :], out=c1)
                    c1 &= org_counts
                    num += np.multiply(c1, w.organisation, out=tmp)
                if count_sector:
                    # num + (sector_yes if shared else sector_no), as two exact steps of which one adds 0
                    _overlaps(self.sectors_r[start:stop], self.sectors_c, c1, c3)
                    num += np.multiply(c1, sector_yes, out=tmp)
                    num += np.multiply(np.logical_not(c1, out=c2), sector_no, out=tmp)
                num *= 100.0
                if all_positive:
                    num /= denominator
                else:
                    np.divide(num, denominator, out=num, where=denominator > 0)
                    num[:, denominator <= 0] = 0.0
                # feasibility, then the value: the score where allowed and good enough, 0 elsewhere
                _overlaps(self.languages_r[start:stop], self.languages_c, c1, c3)
                c1 &= base_feasible
                if self.same_person:
                    c1 &= self.rows[start:stop, None] != self.cols[None, :]
                np.greater_equal(num, self.min_score, out=c2)
                c2 &= c1
                c2 &= np.greater(num, 0, out=c3)
                num *= c2  # exact: scores are finite
                if col_of_slot is None:
                    values[out_rows] = num
                    feasible[out_rows] = c1
                else:
                    values[out_rows] = num[:, col_of_slot]
                    feasible[out_rows] = c1[:, col_of_slot]


def _round_values_reference(
    table: Table, rows: IntArray, cols: IntArray, weights: Weights, min_score: float, chunk: int = 1024
) -> tuple[FloatArray, BoolArray]:
    """``round_values`` the plain way, with ``Table.block``: for weights that are not all finite."""
    values = np.zeros((len(rows), len(cols)), dtype=np.float64)
    feasible = np.zeros((len(rows), len(cols)), dtype=np.bool_)
    for start in range(0, len(rows), chunk):
        scores, ok = table.block(rows[start : start + chunk], cols, weights)
        feasible[start : start + chunk] = ok
        values[start : start + chunk] = np.where(ok & (scores >= min_score) & (scores > 0), scores, 0.0)
    return values, feasible


def round_values(
    table: Table,
    younger: Sequence[Candidate],
    older_slots: Sequence[Candidate],
    weights: Weights,
    *,
    forbidden: set[frozenset[int]],
    min_score: float,
    chunk: int | None = None,
) -> tuple[FloatArray, BoolArray]:
    """The value of each (younger, older slot) pair for the assignment: the score where the
    pair is allowed and good enough, 0 elsewhere; and where the hard constraints hold."""
    rows = np.array([table.index[c.id] for c in younger], dtype=np.int64)
    slot_cols = np.array([table.index[c.id] for c in older_slots], dtype=np.int64)
    # The fast path needs finite scores: every weight, and 100 times their sum, finite.
    if not np.isfinite(100.0 * sum(getattr(weights, name) for name in CRITERIA)):
        values, feasible = _round_values_reference(table, rows, slot_cols, weights, min_score)
    else:
        values = np.empty((len(rows), len(slot_cols)), dtype=np.float64)
        feasible = np.empty((len(rows), len(slot_cols)), dtype=np.bool_)
        if len(rows) and len(slot_cols):
            # A member with capacity k has k identical slots: score each member once, then copy the columns.
            cols, col_of_slot = np.unique(slot_cols, return_inverse=True)
            if len(cols) == len(slot_cols):
                _RoundScorer(table, rows, slot_cols, weights, min_score, chunk).fill(values, feasible, None)
            else:
                _RoundScorer(table, rows, cols, weights, min_score, chunk).fill(values, feasible, col_of_slot)
    cell_rows, cell_cols = _forbidden_cells(younger, older_slots, forbidden)
    values[cell_rows, cell_cols] = 0.0
    return values, feasible


def _forbidden_cells(
    younger: Sequence[Candidate], older_slots: Sequence[Candidate], forbidden: set[frozenset[int]]
) -> tuple[IntArray, IntArray]:
    """The (row, slot) cells of forbidden pairs: every slot of the older member, in either order of the pair."""
    if not forbidden:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    col_of: dict[int, list[int]] = {}
    for j, c in enumerate(older_slots):
        col_of.setdefault(c.id, []).append(j)
    row_of = {c.id: i for i, c in enumerate(younger)}
    cell_rows: list[int] = []
    cell_cols: list[int] = []
    for pair in forbidden:
        ids = tuple(pair)
        if len(ids) != 2:
            continue
        for a, b in (ids, ids[::-1]):
            if a in row_of and b in col_of:
                cell_rows.extend([row_of[a]] * len(col_of[b]))
                cell_cols.extend(col_of[b])
    return np.array(cell_rows, dtype=np.int64), np.array(cell_cols, dtype=np.int64)


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
    scores = values[rows, cols]
    chosen = scores > 0
    rows, cols, scores = rows[chosen], cols[chosen], scores[chosen]
    young_ids = np.array([c.id for c in younger], dtype=np.int64)
    owner = np.repeat(np.arange(len(older)), [max(1, c.capacity) for c in older])  # slot -> index in older
    old_ids = np.array([c.id for c in older], dtype=np.int64)
    pairs = [
        Pair(younger_id=y, older_id=o, score=s)
        for y, o, s in zip(young_ids[rows].tolist(), old_ids[owner[cols]].tolist(), scores.tolist(), strict=True)
    ]
    pairs.sort(key=lambda p: (p.younger_id, p.older_id))

    matched_young = np.zeros(len(younger), dtype=np.bool_)
    matched_young[rows] = True
    matched_old = np.zeros(len(older), dtype=np.bool_)
    matched_old[owner[cols]] = True
    lonely_young = np.flatnonzero(~matched_young)
    lonely_old = np.flatnonzero(~matched_old)
    unmatched: list[Unmatched] = []
    if len(lonely_young) or len(lonely_old):
        cell_rows, cell_cols = _forbidden_cells(younger, slots, forbidden_set)
        # Younger members against every slot.
        forbidden_rows = _forbidden_for(lonely_young, len(younger), cell_rows, cell_cols, len(slots))
        unmatched += _why_unmatched(
            [younger[i] for i in lonely_young.tolist()],
            slots,
            feasible[lonely_young],
            values[lonely_young],
            forbidden_rows,
        )
        # Older members against every younger one, through their first slot.
        first_slot = np.searchsorted(owner, lonely_old)
        forbidden_cols = _forbidden_for(first_slot, len(slots), cell_cols, cell_rows, len(younger))
        unmatched += _why_unmatched(
            [older[i] for i in lonely_old.tolist()],
            younger,
            feasible[:, first_slot].T,
            values[:, first_slot].T,
            forbidden_cols,
        )
    unmatched.sort(key=lambda u: u.id)
    return RoundResult(pairs=pairs, unmatched=unmatched)


def _forbidden_for(
    people: IntArray, axis_len: int, cells_here: IntArray, cells_there: IntArray, other_len: int
) -> BoolArray:
    """Rows of a forbidden-pair matrix for ``people`` (indices on an axis of length ``axis_len``)
    against every ``other_len`` on the other axis, from forbidden cells given as index pairs
    (``cells_here`` on this axis, ``cells_there`` on the other)."""
    out = np.zeros((len(people), other_len), dtype=np.bool_)
    position = np.full(axis_len, -1)
    position[people] = np.arange(len(people))
    hit = position[cells_here] >= 0
    out[position[cells_here[hit]], cells_there[hit]] = True
    return out


def _why_unmatched(
    people: Sequence[Candidate],
    others: Sequence[Candidate],
    feasible: BoolArray,
    values: FloatArray,
    forbidden: BoolArray,
) -> list[Unmatched]:
    """Why each of ``people`` has no partner. Row k of ``feasible``, ``values`` and ``forbidden`` (whether the
    pair is a forbidden one) is ``people[k]`` against each of ``others``."""
    if not people:
        return []
    any_feasible = cast(list[bool], feasible.any(axis=1).tolist())
    any_allowed = cast(list[bool], (feasible & ~forbidden).any(axis=1).tolist())
    any_value = cast(list[bool], (values > 0).any(axis=1).tolist())
    languages = frozenset().union(*(o.languages for o in others))
    modes = 0
    for o in others:
        modes |= o.mode
    out: list[Unmatched] = []
    for k, person in enumerate(people):
        if person.hours <= 0:
            reason = NO_TIME
        elif not any_feasible[k]:
            if not person.languages & languages:
                reason = NO_SHARED_LANGUAGE
            elif not person.mode & modes:
                reason = NO_COMMON_MODE
            else:
                reason = NO_TIME
        elif not any_allowed[k]:
            reason = ONLY_PREVIOUS_PARTNERS
        elif not any_value[k]:
            reason = BELOW_MINIMUM
        else:
            reason = NO_PARTNER_LEFT
        out.append(Unmatched(person.id, reason))
    return out


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
