"""The daily roll-up: ``manage.py monitoring_rollup`` (a systemd timer, and ``make run``'s start).

Idempotent and re-runnable for any date range: for each day in the range it deletes that
day's rows and writes them again from the forum, in one transaction. Without a range it
starts at the last day already rolled up (that day is redone: it may have been partial), so
a missed night catches up by itself.

Days are the project's local dates (``TIME_ZONE``), as the facilitators see them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from monitoring import sources
from monitoring.models import CommunityDay, InteractionDay, InteractionKind, MemberDay, TopicStat

# Topics started this many days before the range are looked at again: an answer may come late.
TOPIC_LOOKBACK_DAYS = 30


@dataclass(frozen=True)
class RollupResult:
    start: dt.date
    end: dt.date
    communities: int
    community_days: int
    member_days: int
    interactions: int
    topics: int


def local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def default_start(community_ids: list[int]) -> dt.date:
    last = CommunityDay.objects.filter(community_id__in=community_ids).aggregate(last=Max("day"))["last"]
    if last is not None:
        return last
    first = sources.first_message_day(community_ids)
    return timezone.localdate(first) if first is not None else timezone.localdate()


def rollup(
    *, start: dt.date | None = None, end: dt.date | None = None, community_ids: Iterable[int] | None = None
) -> RollupResult:
    ids = list(community_ids) if community_ids is not None else sources.rollup_communities()
    end = end or timezone.localdate()
    start = start or default_start(ids)
    if start > end:
        start, end = end, start
    lo, hi = local_midnight(start), local_midnight(end + dt.timedelta(days=1))
    with transaction.atomic():
        CommunityDay.objects.filter(community_id__in=ids, day__gte=start, day__lte=end).delete()
        MemberDay.objects.filter(community_id__in=ids, day__gte=start, day__lte=end).delete()
        InteractionDay.objects.filter(community_id__in=ids, day__gte=start, day__lte=end).delete()

        per_member = sources.messages_per_member_day(ids, lo, hi)
        MemberDay.objects.bulk_create(
            [
                MemberDay(community_id=r["room__community_id"], day=r["day"], user_id=r["author_id"], messages=r["n"])
                for r in per_member
            ],
            batch_size=2000,
        )
        days: dict[tuple[int, dt.date], dict[str, int]] = {}
        for r in per_member:
            days.setdefault((r["room__community_id"], r["day"]), {"messages": 0, "topics": 0, "questions": 0})[
                "messages"
            ] += r["n"]
        for r in sources.topics_per_day(ids, lo, hi):
            row = days.setdefault((r["room__community_id"], r["day"]), {"messages": 0, "topics": 0, "questions": 0})
            row["topics"] += r["n"]
            row["questions"] += r["questions"]
        CommunityDay.objects.bulk_create(
            [CommunityDay(community_id=c, day=d, **counts) for (c, d), counts in days.items()], batch_size=2000
        )

        interactions = _interactions(
            [(InteractionKind.REPLY, r) for r in sources.replies_per_day(ids, lo, hi)]
            + [(InteractionKind.MENTION, r) for r in sources.mentions_per_day(ids, lo, hi)]
        )
        InteractionDay.objects.bulk_create(interactions, batch_size=2000)

        topics = sources.topics_for_stats(ids, lo - dt.timedelta(days=TOPIC_LOOKBACK_DAYS), hi)
        TopicStat.objects.filter(topic_id__in=[t["pk"] for t in topics]).delete()
        TopicStat.objects.bulk_create(
            [
                TopicStat(
                    topic_id=t["pk"],
                    community_id=t["room__community_id"],
                    created_at=t["created_at"],
                    first_answer_at=t["first_answer_at"],
                    is_question=t["is_question"],
                    is_resolved=t["is_resolved"],
                )
                for t in topics
            ],
            batch_size=2000,
        )
    return RollupResult(
        start=start,
        end=end,
        communities=len(ids),
        community_days=len(days),
        member_days=len(per_member),
        interactions=len(interactions),
        topics=len(topics),
    )


def _interactions(rows: list[tuple[str, dict[str, Any]]]) -> list[InteractionDay]:
    merged: dict[tuple[int, dt.date, str, int, int], int] = {}
    for kind, r in rows:
        key = (r["room__community_id"], r["day"], kind, r["author_id"], r["target"])
        merged[key] = merged.get(key, 0) + r["n"]
    return [
        InteractionDay(community_id=c, day=d, kind=k, source_id=s, target_id=t, count=n)
        for (c, d, k, s, t), n in merged.items()
    ]
