"""The matching pool: candidates, their cached score table, who is open for a new pair."""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter, defaultdict

from django.core.cache import cache
from django.db.models import Q, QuerySet

from accounts.models import Profile, User
from mentoring import matching
from mentoring.models import (
    OPEN_STATUSES,
    MentoringProfile,
    Mode,
    ParticipationStatus,
    Programme,
    Relationship,
    SkillOffer,
    SkillWant,
    Status,
)

MODE_CODES: dict[str, int] = {
    Mode.ONLINE: matching.MODE_ONLINE,
    Mode.IN_PERSON: matching.MODE_IN_PERSON,
    Mode.BOTH: matching.MODE_BOTH,
}


def weights_for(programme: Programme | None) -> matching.Weights:
    if programme is None:
        return matching.Weights()
    return matching.Weights(
        skills=programme.weight_skills,
        experience=programme.weight_experience,
        availability=programme.weight_availability,
        region=programme.weight_region,
        organisation=programme.weight_organisation,
        sector=programme.weight_sector,
    )


# --- Candidates --------------------------------------------------------------------------


def pool_profiles(*, programme: Programme | None) -> QuerySet[MentoringProfile]:
    """Whom matching considers: admitted participants of a programme, or every open member."""
    qs = MentoringProfile.objects.filter(user__is_active=True, is_open=True)
    if programme is not None:
        qs = qs.filter(
            user__participations__programme=programme, user__participations__status=ParticipationStatus.ADMITTED
        )
    return qs


def candidates(profiles: QuerySet[MentoringProfile]) -> list[matching.Candidate]:
    """Matching's view of these profiles, in a fixed number of queries."""
    rows = list(
        profiles.values_list(
            "pk",
            "user_id",
            "years_experience",
            "hours_per_month",
            "mode",
            "prefers_other_organisation",
            "sector_preference",
            "max_relationships",
            "user__profile__region_id",
            "user__profile__organisation_id",
        )
    )
    # Subqueries rather than long id lists: one pass over each table, whatever the pool size.
    profile_ids = profiles.values("pk")
    user_ids = profiles.values("user_id")
    offers: dict[int, set[int]] = defaultdict(set)
    wants: dict[int, set[int]] = defaultdict(set)
    for pid, skill in SkillOffer.objects.filter(profile_id__in=profile_ids).values_list("profile_id", "skill_id"):
        offers[pid].add(skill)
    for pid, skill in SkillWant.objects.filter(profile_id__in=profile_ids).values_list("profile_id", "skill_id"):
        wants[pid].add(skill)
    languages: dict[int, set[str]] = defaultdict(set)
    for uid, code in Profile.languages.through.objects.filter(profile__user_id__in=user_ids).values_list(
        "profile__user_id", "language_id"
    ):
        languages[uid].add(code)
    sectors: dict[int, set[int]] = defaultdict(set)
    for uid, sector in Profile.sectors.through.objects.filter(profile__user_id__in=user_ids).values_list(
        "profile__user_id", "sector_id"
    ):
        sectors[uid].add(sector)
    return [
        matching.Candidate(
            id=uid,
            offers=frozenset(offers[pid]),
            wants=frozenset(wants[pid]),
            years=years,
            languages=frozenset(languages[uid]),
            hours=hours,
            mode=MODE_CODES.get(mode, matching.MODE_BOTH),
            region=region,
            organisation=organisation,
            sectors=frozenset(sectors[uid]),
            prefers_other_organisation=other_org,
            sector_preference=sector_pref,
            capacity=capacity,
        )
        for pid, uid, years, hours, mode, other_org, sector_pref, capacity, region, organisation in rows
    ]


def candidate_for(*, user: User) -> matching.Candidate | None:
    found = candidates(MentoringProfile.objects.filter(user=user))
    return found[0] if found else None


_tables: dict[int, tuple[str, float, matching.Table]] = {}
_tables_lock = threading.Lock()
POOL_VERSION_KEY = "mentoring:pool-version"
TABLE_MAX_AGE = 60.0  # seconds; member-profile changes (region, languages) show up within this


def clear_table_cache() -> None:
    with _tables_lock:
        _tables.clear()


def pool_version() -> str:
    """A token that changes whenever a mentoring profile or a participation changes."""
    version = cache.get(POOL_VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        cache.add(POOL_VERSION_KEY, version, timeout=None)
        version = cache.get(POOL_VERSION_KEY, version)
    return str(version)


def bump_pool_version() -> None:
    cache.set(POOL_VERSION_KEY, uuid.uuid4().hex, timeout=None)


def pool_table(*, programme: Programme | None) -> matching.Table:
    """The pool as a matching table, kept per process until a mentoring profile or a
    participation changes (services bump the version), and for at most a minute."""
    key = programme.pk if programme is not None else 0
    version = pool_version()
    now = time.monotonic()
    with _tables_lock:
        cached = _tables.get(key)
    if cached is not None and cached[0] == version and now - cached[1] < TABLE_MAX_AGE:
        return cached[2]
    table = matching.Table(candidates(pool_profiles(programme=programme)))
    with _tables_lock:
        _tables[key] = (version, now, table)
    return table


def open_relationship_counts() -> Counter[int]:
    counts: Counter[int] = Counter()
    for a, b in Relationship.objects.filter(status__in=OPEN_STATUSES).values_list("person_a_id", "person_b_id"):
        counts[a] += 1
        counts[b] += 1
    return counts


def unavailable_for(*, user: User) -> set[int]:
    """People not to suggest to ``user``: those already paired with them (or who declined)
    and those with no room for another pair."""
    taken = {
        other
        for a, b in Relationship.objects.filter(Q(person_a=user) | Q(person_b=user))
        .filter(status__in=[*OPEN_STATUSES, Status.DECLINED])
        .values_list("person_a_id", "person_b_id")
        for other in (a, b)
    }
    counts = open_relationship_counts()
    full = {
        uid
        for uid, capacity in MentoringProfile.objects.filter(user_id__in=list(counts)).values_list(
            "user_id", "max_relationships"
        )
        if counts[uid] >= capacity
    }
    return taken | full | {user.pk}
