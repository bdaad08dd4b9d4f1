"""The dashboard's figures, read from the roll-ups (a fixed number of queries, whatever the history).

Every figure that counts people goes through ``monitoring.suppression``: a group of fewer than
five people is never shown (its cell says so instead). Definitions (also in docs/monitoring.md):

- *active member*: wrote at least one message in the community that week;
- *time to first answer*: from a topic's start to the first message by someone else; median and
  90th percentile (nearest rank) over topics started in the range that got an answer;
- *unanswered after 48 h*: topics started in the range, at least 48 h ago, with no answer by
  someone else within 48 h;
- *retention*: of the members who joined in a month (the cohort), the share active in the first,
  second and third month after it;
- *between organisations / sectors*: a reply or mention whose two people both name an organisation
  (a sector) and do not share it; a mentoring pair likewise.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from forum.models import Community, Role
from monitoring import sources
from monitoring.models import (
    CommunityDay,
    InteractionDay,
    InteractionKind,
    MemberDay,
    NetworkOptOut,
    ScanAnswer,
    ScanRound,
    TopicStat,
    ValueStory,
)
from monitoring.rollup import local_midnight
from monitoring.scan import BY_CODE, FACTORS, WEAK_BELOW, factor_label
from monitoring.suppression import count_or_none, share_or_none, shown

ANSWER_WINDOW = dt.timedelta(hours=48)
RETENTION_MONTHS = 3
BRIDGES_SHOWN = 10
MAX_RANGE_DAYS = 366 * 2


@dataclass
class Week:
    start: dt.date
    messages: int = 0
    topics: int = 0
    questions: int = 0
    active: int | None = 0


@dataclass
class GroupRow:
    label: str
    cells: list[int | None]


@dataclass
class Cohort:
    month: dt.date
    size: int
    retained: list[float | None]  # per month after joining; None: not yet or suppressed


@dataclass
class Crossing:
    label: str
    total: int
    between_organisations: float | None
    between_sectors: float | None


@dataclass
class Bridge:
    user_id: int
    name: str
    organisations: int
    sectors: int


@dataclass
class Dashboard:
    community: Community
    start: dt.date
    end: dt.date
    weeks: list[Week]
    by_role: list[GroupRow]
    by_organisation: list[GroupRow]
    by_sector: list[GroupRow]
    hidden_groups: list[int]  # per role, organisation, sector: groups under five in every week
    messages: int
    topics: int
    median_hours: float | None
    p90_hours: float | None
    answered: int
    unanswered_topics: float | None
    unanswered_questions: float | None
    questions_opened: int
    questions_resolved: int
    lessons: int
    cohorts: list[Cohort]
    crossings: list[Crossing]
    bridges: list[Bridge] = field(default_factory=list)


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.month - 1 + months, 12)
    return dt.date(day.year + y, m + 1, 1)


def default_range(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    today = today or timezone.localdate()
    return today - dt.timedelta(weeks=12) + dt.timedelta(days=1), today


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of sorted ``values`` (the value at rank ceil(fraction × n))."""
    rank = max(1, math.ceil(fraction * len(values)))
    return values[rank - 1]


def dashboard(*, community: Community, start: dt.date, end: dt.date, now: dt.datetime | None = None) -> Dashboard:
    now = now or timezone.now()
    lo, hi = local_midnight(start), local_midnight(end + dt.timedelta(days=1))
    weeks: dict[dt.date, Week] = {}
    day = week_start(start)
    while day <= end:
        weeks[day] = Week(start=day)
        day += dt.timedelta(days=7)

    for row in CommunityDay.objects.filter(community=community, day__gte=start, day__lte=end).values(
        "day", "messages", "topics", "questions"
    ):
        week = weeks[week_start(row["day"])]
        week.messages += row["messages"]
        week.topics += row["topics"]
        week.questions += row["questions"]

    # Member activity from the first cohort month to today, for the weeks and the retention.
    joins = sources.member_joins(community)
    first_month = month_start(start)
    activity: dict[int, set[dt.date]] = defaultdict(set)  # user -> days active
    for user_id, active_day in MemberDay.objects.filter(
        community=community, day__gte=first_month, day__lte=community_day_limit(end)
    ).values_list("user_id", "day"):
        activity[user_id].add(active_day)

    interactions = list(
        InteractionDay.objects.filter(community=community, day__gte=start, day__lte=end).values_list(
            "kind", "source_id", "target_id", "count"
        )
    )
    pairs = sources.mentoring_pairs(community, lo, hi)
    people = set(activity) | {s for _k, s, _t, _n in interactions} | {t for _k, _s, t, _n in interactions}
    people |= {p for pair in pairs for p in pair}
    facts = sources.member_facts(community, people)

    # Active members per week: all, and by role, organisation and sector.
    active_weeks: dict[dt.date, set[int]] = defaultdict(set)
    for user_id, days in activity.items():
        for d in days:
            if start <= d <= end:
                active_weeks[week_start(d)].add(user_id)
    for ws, week in weeks.items():
        week.active = count_or_none(len(active_weeks.get(ws, set())))
    week_keys = list(weeks)
    # Each member's labels once (not per week: translating is not free).
    role_labels = {value: str(label) for value, label in Role.choices}
    former, no_org, no_sector = _("Former member"), _("No organisation"), _("No sector")
    roles = {uid: [role_labels.get(f["role"], former)] for uid, f in facts.items()}
    organisations = {uid: [f["organisation_name"] or no_org] for uid, f in facts.items()}
    member_sectors = {uid: f["sectors"] or [no_sector] for uid, f in facts.items()}
    by_role, hidden_roles = _groups(week_keys, active_weeks, roles)
    by_org, hidden_orgs = _groups(week_keys, active_weeks, organisations)
    by_sector, hidden_sectors = _groups(week_keys, active_weeks, member_sectors)

    # Topics: time to first answer, unanswered after 48 h, practice questions.
    stats = list(
        TopicStat.objects.filter(community=community, created_at__gte=lo, created_at__lt=hi).values_list(
            "created_at", "first_answer_at", "is_question", "is_resolved"
        )
    )
    hours = sorted((a - c).total_seconds() / 3600 for c, a, _q, _r in stats if a is not None)
    median = p90 = None
    if shown(len(hours)):
        median = round(statistics.median(hours), 1)
        p90 = round(percentile(hours, 0.9), 1)
    due = [(c, a, q) for c, a, q, _r in stats if c <= now - ANSWER_WINDOW]
    late_topics = sum(1 for c, a, _q in due if a is None or a - c > ANSWER_WINDOW)
    due_questions = [(c, a) for c, a, q in due if q]
    late_questions = sum(1 for c, a in due_questions if a is None or a - c > ANSWER_WINDOW)
    questions = [(q, r) for _c, _a, q, r in stats if q]

    totals = CommunityDay.objects.filter(community=community, day__gte=start, day__lte=end).aggregate(
        messages=Sum("messages"), topics=Sum("topics")
    )
    optouts = set(NetworkOptOut.objects.filter(user_id__in=people).values_list("user_id", flat=True))
    return Dashboard(
        community=community,
        start=start,
        end=end,
        weeks=list(weeks.values()),
        by_role=by_role,
        by_organisation=by_org,
        by_sector=by_sector,
        hidden_groups=[hidden_roles, hidden_orgs, hidden_sectors],
        messages=totals["messages"] or 0,
        topics=totals["topics"] or 0,
        median_hours=median,
        p90_hours=p90,
        answered=len(hours),
        unanswered_topics=share_or_none(late_topics, len(due)),
        unanswered_questions=share_or_none(late_questions, len(due_questions)),
        questions_opened=len(questions),
        questions_resolved=sum(1 for _q, r in questions if r),
        lessons=sources.lessons_from(community, lo, hi),
        cohorts=_cohorts(start, end, joins, activity, timezone.localdate(now)),
        crossings=_crossings(interactions, pairs, facts),
        bridges=_bridges(interactions, pairs, facts, optouts),
    )


def community_day_limit(end: dt.date) -> dt.date:
    """Activity is read up to the end of the last month a cohort of the range can be followed to."""
    return add_months(month_start(end), RETENTION_MONTHS + 1) - dt.timedelta(days=1)


def _groups(
    weeks: list[dt.date], active: dict[dt.date, set[int]], labels: dict[int, list[str]]
) -> tuple[list[GroupRow], int]:
    counts: dict[str, list[int]] = {}
    for i, ws in enumerate(weeks):
        for uid in active.get(ws, set()):
            for label in labels[uid]:
                counts.setdefault(label, [0] * len(weeks))[i] += 1
    # A group that is under five in every week says nothing but "fewer than 5": left out (the page
    # says how many were left out).
    rows = [GroupRow(label=label, cells=[count_or_none(n) for n in cells]) for label, cells in sorted(counts.items())]
    return [row for row in rows if any(cell is not None for cell in row.cells)], sum(
        1 for row in rows if all(cell is None for cell in row.cells)
    )


def _cohorts(
    start: dt.date, end: dt.date, joins: dict[int, dt.datetime], activity: dict[int, set[dt.date]], today: dt.date
) -> list[Cohort]:
    cohorts: list[Cohort] = []
    month = month_start(start)
    while month <= end:
        members = [uid for uid, joined in joins.items() if month_start(timezone.localdate(joined)) == month]
        retained: list[float | None] = []
        for k in range(1, RETENTION_MONTHS + 1):
            first, after = add_months(month, k), add_months(month, k + 1)
            if first > today:
                retained.append(None)
                continue
            active = sum(1 for uid in members if any(first <= d < after for d in activity.get(uid, ())))
            retained.append(share_or_none(active, len(members)))
        cohorts.append(Cohort(month=month, size=len(members), retained=retained if shown(len(members)) else []))
        month = add_months(month, 1)
    return cohorts


def _differs(facts: dict[int, dict[str, Any]], a: int, b: int) -> tuple[bool | None, bool | None]:
    """(different organisation, no shared sector); None where one side does not say."""
    fa, fb = facts.get(a), facts.get(b)
    if fa is None or fb is None:
        return None, None
    org = None if not fa["organisation"] or not fb["organisation"] else fa["organisation"] != fb["organisation"]
    sec = None if not fa["sectors"] or not fb["sectors"] else not set(fa["sectors"]) & set(fb["sectors"])
    return org, sec


def _crossing(label: str, edges: Iterable[tuple[int, int, int]], facts: dict[int, dict[str, Any]]) -> Crossing:
    total = org_known = org_cross = sec_known = sec_cross = 0
    for a, b, n in edges:
        total += n
        org, sec = _differs(facts, a, b)
        if org is not None:
            org_known += n
            org_cross += n if org else 0
        if sec is not None:
            sec_known += n
            sec_cross += n if sec else 0
    return Crossing(
        label=label,
        total=total,
        between_organisations=share_or_none(org_cross, org_known),
        between_sectors=share_or_none(sec_cross, sec_known),
    )


def _crossings(
    interactions: list[tuple[str, int, int, int]], pairs: list[tuple[int, int]], facts: dict[int, dict[str, Any]]
) -> list[Crossing]:
    return [
        _crossing(_("Replies"), [(s, t, n) for k, s, t, n in interactions if k == InteractionKind.REPLY], facts),
        _crossing(_("Mentions"), [(s, t, n) for k, s, t, n in interactions if k == InteractionKind.MENTION], facts),
        _crossing(_("Mentoring pairs"), [(a, b, 1) for a, b in pairs], facts),
    ]


def _bridges(
    interactions: list[tuple[str, int, int, int]],
    pairs: list[tuple[int, int]],
    facts: dict[int, dict[str, Any]],
    optouts: set[int],
) -> list[Bridge]:
    """Members in touch with people of at least two organisations other than their own."""
    orgs: dict[int, set[int]] = defaultdict(set)
    sectors: dict[int, set[str]] = defaultdict(set)
    edges = [(s, t) for _k, s, t, _n in interactions] + list(pairs)
    for a, b in edges:
        for me, other in ((a, b), (b, a)):
            mine, theirs = facts.get(me), facts.get(other)
            if mine is None or theirs is None:
                continue
            if theirs["organisation"] and theirs["organisation"] != mine["organisation"]:
                orgs[me].add(theirs["organisation"])
            sectors[me] |= set(theirs["sectors"]) - set(mine["sectors"])
    names = sources.display_names([uid for uid in orgs if len(orgs[uid]) >= 2 and uid not in optouts])
    found = [
        Bridge(user_id=uid, name=names.get(uid, ""), organisations=len(orgs[uid]), sectors=len(sectors[uid]))
        for uid in names
    ]
    found.sort(key=lambda b: (-b.organisations, -b.sectors, b.name))
    return found[:BRIDGES_SHOWN]


# --- the quick scan ----------------------------------------------------------------------------------


@dataclass
class FactorResult:
    code: str
    label: str
    means: list[float | None]  # per round; None: fewer than five people answered
    weak: bool = False
    lessons: list[Any] = field(default_factory=list)


@dataclass
class ScanResults:
    rounds: list[Any]
    respondents: list[int | None]
    factors: list[FactorResult]


def scan_results(*, community: Community) -> ScanResults:
    """Mean score per factor per round (two queries, plus one per weak factor for its lessons)."""
    rounds = list(ScanRound.objects.filter(community=community).order_by("opened_at", "pk"))
    sums: dict[tuple[int, str], list[int]] = defaultdict(list)
    people: dict[int, set[int]] = defaultdict(set)
    factor_people: dict[tuple[int, str], set[int]] = defaultdict(set)
    for round_id, user_id, statement, score in ScanAnswer.objects.filter(round__in=rounds).values_list(
        "round_id", "user_id", "statement", "score"
    ):
        found = BY_CODE.get(statement)
        if found is None:
            continue
        sums[(round_id, found.factor)].append(score)
        people[round_id].add(user_id)
        factor_people[(round_id, found.factor)].add(user_id)
    factors = []
    for code in FACTORS:
        means: list[float | None] = []
        for r in rounds:
            scores = sums.get((r.pk, code), [])
            means.append(round(sum(scores) / len(scores), 2) if shown(len(factor_people[(r.pk, code)])) else None)
        latest = next((m for m in reversed(means) if m is not None), None)
        result = FactorResult(code=code, label=factor_label(code), means=means)
        if latest is not None and latest < WEAK_BELOW:
            result.weak = True
            result.lessons = sources.lessons_for_factor(code)
        factors.append(result)
    return ScanResults(rounds=rounds, respondents=[count_or_none(len(people[r.pk])) for r in rounds], factors=factors)


# --- the national overview ---------------------------------------------------------------------------


@dataclass
class NationalRow:
    label: str
    communities: int
    members: int
    messages: int


@dataclass
class CommunityLink:
    a: str
    b: str
    shared: int


@dataclass
class National:
    by_kind: list[NationalRow]
    by_sector: list[NationalRow]
    by_province: list[NationalRow]
    links: list[CommunityLink]
    total_communities: int
    days: int


NATIONAL_DAYS = 30
NATIONAL_LINKS_SHOWN = 50


def national(*, today: dt.date | None = None) -> National:
    """Communities by kind, sector and province with their members and the last 30 days' messages;
    links between communities through shared members (five or more). A fixed number of queries."""
    today = today or timezone.localdate()
    since = today - dt.timedelta(days=NATIONAL_DAYS - 1)
    facts = sources.national_communities()
    messages = dict(
        CommunityDay.objects.filter(day__gte=since, day__lte=today)
        .values("community_id")
        .annotate(n=Sum("messages"))
        .values_list("community_id", "n")
    )
    kinds: dict[str, NationalRow] = {}
    sectors: dict[str, NationalRow] = {}
    provinces: dict[str, NationalRow] = {}
    for c in facts.communities:
        for table, labels in (
            (kinds, [c["kind_label"]]),
            (sectors, facts.sectors.get(c["pk"]) or [_("No sector")]),
            (provinces, facts.regions.get(c["pk"]) or [_("No province")]),
        ):
            for label in labels:
                row = table.setdefault(label, NationalRow(label=label, communities=0, members=0, messages=0))
                row.communities += 1
                row.members += c["member_count"]
                row.messages += messages.get(c["pk"], 0) or 0
    names = {c["pk"]: c["name"] for c in facts.communities}
    links = [
        CommunityLink(a=names[a], b=names[b], shared=n)
        for (a, b), n in facts.shared_members.items()
        if shown(n) and a in names and b in names
    ]
    links.sort(key=lambda link: (-link.shared, link.a, link.b))

    def rows(table: dict[str, NationalRow]) -> list[NationalRow]:
        return sorted(table.values(), key=lambda r: (-r.communities, r.label))

    return National(
        by_kind=rows(kinds),
        by_sector=rows(sectors),
        by_province=rows(provinces),
        links=links[:NATIONAL_LINKS_SHOWN],
        total_communities=len(facts.communities),
        days=NATIONAL_DAYS,
    )


def story_counts(*, community: Community) -> dict[str, int]:
    return dict(
        ValueStory.objects.filter(community=community).values("cycle").annotate(n=Count("pk")).values_list("cycle", "n")
    )
