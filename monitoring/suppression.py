"""The one suppression rule: a group of fewer than ``MIN_GROUP`` people is never shown."""

from __future__ import annotations

# People in the smallest group any monitoring figure, table, chart or export shows.
MIN_GROUP = 5


def shown(count: int) -> bool:
    return count >= MIN_GROUP


def count_or_none(count: int) -> int | None:
    """The count, or None (shown as "fewer than 5") for a small group."""
    return count if shown(count) else None


def share_or_none(part: int, whole: int) -> float | None:
    """``part / whole`` as a percentage with one decimal, or None when ``whole`` is a small group."""
    if not shown(whole):
        return None
    return round(100 * part / whole, 1)
