"""Reads for mentoring: candidates for matching, suggestions, pages and the dashboard."""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import Profile, Region, Skill, User
from mentoring import matching, permissions
from mentoring.models import (
    OPEN_STATUSES,
    CheckIn,
    Goal,
    MatchingRound,
    MentoringProfile,
    Mode,
    Notification,
    Participation,
    ParticipationStatus,
    Programme,
    Reflection,
    Relationship,
    Session,
    SkillOffer,
    SkillWant,
    Status,
)
from mentoring.reasons import ReasonLine, describe

MODE_CODES: dict[str, int] = {
    Mode.ONLINE: matching.MODE_ONLINE,
    Mode.IN_PERSON: matching.MODE_IN_PERSON,
    Mode.BOTH: matching.MODE_BOTH,
}
SMALL_GROUP = 5  # breakdowns hide groups smaller than this


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


# --- Suggestions -----------------------------------------------------------------------


@dataclass
class Suggestion:
    user: User
    score: int
    lines: list[ReasonLine]
    offers: list[SkillOffer] = field(default_factory=list)


def names_for(skill_ids: Iterable[int] = (), region_ids: Iterable[int] = ()) -> dict[str, dict[int, str]]:
    skills = dict(Skill.objects.filter(pk__in=set(skill_ids)).values_list("pk", "name"))
    regions = dict(Region.objects.filter(pk__in=set(region_ids)).values_list("pk", "name"))
    return {"skills": skills, "regions": regions}


def _ids_in(reasons: Iterable[matching.Reason]) -> tuple[set[int], set[int]]:
    skills: set[int] = set()
    regions: set[int] = set()
    for r in reasons:
        skills.update(r.data.get("they_teach", []))
        skills.update(r.data.get("you_teach", []))
        regions.update(x for x in (r.data.get("your_region"), r.data.get("their_region")) if x is not None)
    return skills, regions


def suggestions_for(
    *,
    user: User,
    programme: Programme | None = None,
    offers_skill: int | None = None,
    same_region: bool = False,
    limit: int = 10,
) -> list[Suggestion]:
    table = pool_table(programme=programme)
    if user.pk not in table.index:
        # Not (yet) in this pool, for example a closed profile: score against it all the same.
        me = candidate_for(user=user)
        if me is None:
            return []
        table = matching.Table([*table.candidates, me])
    found = matching.suggest(
        table,
        user.pk,
        weights_for(programme),
        limit=limit,
        exclude=unavailable_for(user=user),
        offers_skill=offers_skill,
        same_region=same_region,
    )
    if not found:
        return []
    users = {
        u.pk: u
        for u in User.objects.filter(pk__in=[m.other_id for m in found])
        .select_related("profile__organisation", "profile__region", "mentoring_profile")
        .prefetch_related(
            Prefetch("mentoring_profile__offers", queryset=SkillOffer.objects.select_related("skill")),
        )
    }
    skill_ids, region_ids = _ids_in(r for m in found for r in m.reasons)
    names = names_for(skill_ids, region_ids)
    result = []
    for match in found:
        other = users[match.other_id]
        result.append(
            Suggestion(
                user=other,
                score=round(match.score),
                lines=describe(match.reasons, other_name=other.display_name, names=names, languages=match.languages),
                offers=list(other.mentoring_profile.offers.all()),
            )
        )
    return result


# --- Pages -----------------------------------------------------------------------------


def profile_with_skills(*, user: User) -> MentoringProfile | None:
    return (
        MentoringProfile.objects.filter(user=user)
        .prefetch_related(
            Prefetch("offers", queryset=SkillOffer.objects.select_related("skill")),
            Prefetch("wants", queryset=SkillWant.objects.select_related("skill")),
        )
        .first()
    )


def relationships_of(*, user: User) -> QuerySet[Relationship]:
    return (
        Relationship.objects.filter(Q(person_a=user) | Q(person_b=user))
        .select_related("person_a__profile", "person_b__profile", "programme")
        .order_by("-created_at", "-pk")
    )


def notifications_for(*, user: User, limit: int = 10) -> list[Notification]:
    return list(Notification.objects.filter(user=user).select_related("relationship")[:limit])


def programmes_for(*, user: User) -> QuerySet[Programme]:
    return Programme.objects.filter(Q(participations__user=user) | Q(coordinators=user)).distinct()


def visible_relationship(*, user: User, pk: int) -> Relationship:
    """The relationship if ``user`` may see it; 404 otherwise, so no one learns it exists."""
    relationship = (
        Relationship.objects.select_related("person_a__profile", "person_b__profile", "programme", "rematch_of")
        .filter(pk=pk)
        .first()
    )
    if relationship is None or not permissions.can_view_relationship(user, relationship):
        raise Http404
    return relationship


@dataclass
class SessionView:
    session: Session
    reflections: list[Reflection]
    mine: Reflection | None


@dataclass
class RelationshipPage:
    relationship: Relationship
    side: str | None
    partner: User | None
    goals_a: list[Goal]
    goals_b: list[Goal]
    sessions: list[SessionView]
    checkins: list[CheckIn]
    closings: list[Any]
    reason_lines: list[ReasonLine]
    agreement: Any


def relationship_page(*, user: User, relationship: Relationship) -> RelationshipPage:
    side = relationship.side_of(user.pk)
    goals = list(relationship.goals.select_related("skill"))
    sessions = list(
        relationship.sessions.select_related("logged_by__profile").prefetch_related(
            Prefetch("reflections", queryset=Reflection.objects.select_related("author__profile"))
        )
    )
    session_views = []
    for s in sessions:
        reflections = [r for r in s.reflections.all() if permissions.can_view_reflection(user, r, relationship)]
        mine = next((r for r in reflections if r.author_id == user.pk), None)
        session_views.append(SessionView(session=s, reflections=reflections, mine=mine))
    stored = [matching.Reason(r["criterion"], r["points"], r.get("data", {})) for r in relationship.reasons]
    if side == "b":
        stored = [flip_reason(r) for r in stored]
    partner = relationship.partner_of(user.pk) if side else None
    skill_ids, region_ids = _ids_in(stored)
    lines = (
        describe(stored, other_name=partner.display_name, names=names_for(skill_ids, region_ids), languages=frozenset())
        if partner is not None
        else []
    )
    return RelationshipPage(
        relationship=relationship,
        side=side,
        partner=partner,
        goals_a=[g for g in goals if g.side == "a"],
        goals_b=[g for g in goals if g.side == "b"],
        sessions=session_views,
        checkins=list(relationship.checkins.all()),
        closings=list(relationship.closings.select_related("author__profile")),
        reason_lines=lines,
        agreement=getattr(relationship, "agreement", None),
    )


def flip_reason(reason: matching.Reason) -> matching.Reason:
    """A stored reason (seen from person A) as person B sees it."""
    swap = {
        "they_teach": "you_teach",
        "you_teach": "they_teach",
        "your_wants": "their_wants",
        "their_wants": "your_wants",
        "your_years": "their_years",
        "their_years": "your_years",
        "your_hours": "their_hours",
        "their_hours": "your_hours",
        "your_region": "their_region",
        "their_region": "your_region",
        "your_preference": "their_preference",
        "their_preference": "your_preference",
    }
    return matching.Reason(reason.criterion, reason.points, {swap.get(k, k): v for k, v in reason.data.items()})


# --- Programmes and the dashboard -------------------------------------------------------


def programme_list() -> QuerySet[Programme]:
    return Programme.objects.annotate(
        admitted=Count("participations", filter=Q(participations__status=ParticipationStatus.ADMITTED))
    ).order_by("-starts_on", "name")


def participation_of(*, user: User, programme: Programme) -> Participation | None:
    if not user.is_authenticated:
        return None
    return Participation.objects.filter(user=user, programme=programme).first()


@dataclass
class DirectionCount:
    label: str
    met: int | None  # None: too few to show
    total: int | None


@dataclass
class Dashboard:
    programme: Programme
    participants: list[Participation]
    status_counts: dict[str, int]
    pending: list[Relationship]
    running: list[tuple[Relationship, int]]
    overdue: list[CheckIn]
    directions: list[DirectionCount]
    breakdown: list[tuple[str, int | None]]
    latest_round: MatchingRound | None
    unmatched: list[tuple[User, str]]


def _participants(programme: Programme) -> list[Participation]:
    return list(
        programme.participations.select_related("user__profile", "user__mentoring_profile").order_by(
            "status", "user__profile__display_name", "pk"
        )
    )


def goal_directions(relationships: Iterable[Relationship], goals: Iterable[Goal]) -> tuple[int, int, int, int]:
    """Goals met and set where the less experienced one learns, and where the more experienced one does."""
    years: dict[int, tuple[int, int]] = {}
    for rel in relationships:
        years[rel.pk] = (_years(rel.person_a), _years(rel.person_b))
    met_young = total_young = met_old = total_old = 0
    for goal in goals:
        ya, yb = years[goal.relationship_id]
        learner_young = (ya <= yb) if goal.side == "a" else (yb < ya)
        if learner_young:
            total_young += 1
            met_young += goal.is_met
        else:
            total_old += 1
            met_old += goal.is_met
    return met_young, total_young, met_old, total_old


def _years(user: User | None) -> int:
    profile = getattr(user, "mentoring_profile", None)  # None: the member deleted their account
    return int(profile.years_experience) if profile is not None else 0


def _name(user: User | None) -> str:
    """A pair member's name; "former member" once they deleted their account (SET_NULL)."""
    from django.utils.translation import gettext

    return user.display_name if user is not None else gettext("former member")


def suppress(count: int) -> int | None:
    return count if count >= SMALL_GROUP else None


def dashboard(*, programme: Programme, today: date | None = None) -> Dashboard:
    from django.utils.translation import gettext as _

    today = today or timezone.localdate()
    participants = _participants(programme)
    relationships = list(
        programme.relationships.select_related(
            "person_a__profile", "person_b__profile", "person_a__mentoring_profile", "person_b__mentoring_profile"
        ).order_by("-created_at", "-pk")
    )
    goals = list(Goal.objects.filter(relationship__programme=programme).only("relationship_id", "side", "progress"))
    met_young, total_young, met_old, total_old = goal_directions(relationships, goals)
    directions = [
        DirectionCount(
            _("The less experienced one learns"),
            met_young if total_young >= SMALL_GROUP else None,
            suppress(total_young),
        ),
        DirectionCount(
            _("The more experienced one learns"), met_old if total_old >= SMALL_GROUP else None, suppress(total_old)
        ),
    ]
    stages = Counter(
        (p.user.profile.get_career_stage_display() or _("Unknown")) if hasattr(p.user, "profile") else _("Unknown")
        for p in participants
        if p.status == ParticipationStatus.ADMITTED
    )
    breakdown = [(label, suppress(n)) for label, n in sorted(stages.items())]
    latest = programme.rounds.first()
    unmatched: list[tuple[User, str]] = []
    if latest is not None:
        still_open = {
            uid
            for a, b in programme.relationships.filter(status__in=OPEN_STATUSES).values_list(
                "person_a_id", "person_b_id"
            )
            for uid in (a, b)
        }
        entries = [e for e in latest.unmatched if e["user_id"] not in still_open]
        people = User.objects.select_related("profile").in_bulk([e["user_id"] for e in entries])
        unmatched = [(people[e["user_id"]], e["reason"]) for e in entries if e["user_id"] in people]
    overdue = list(
        CheckIn.objects.filter(
            relationship__programme=programme,
            relationship__status=Status.ACTIVE,
            completed_at__isnull=True,
            due_on__lt=today,
        ).select_related("relationship__person_a__profile", "relationship__person_b__profile")
    )
    session_counts = dict(
        Session.objects.filter(relationship__programme=programme)
        .values("relationship_id")
        .annotate(n=Count("pk"))
        .values_list("relationship_id", "n")
    )
    return Dashboard(
        programme=programme,
        participants=participants,
        status_counts=dict(Counter(p.status for p in participants)),
        pending=[r for r in relationships if r.status == Status.PROPOSED],
        running=[
            (r, session_counts.get(r.pk, 0))
            for r in relationships
            if r.status in (Status.AGREEING, Status.ACTIVE, Status.PAUSED)
        ],
        overdue=overdue,
        directions=directions,
        breakdown=breakdown,
        latest_round=latest,
        unmatched=unmatched,
    )


def export_rows(*, programme: Programme) -> list[list[str]]:
    """One row per pair for the CSV export: no notes, reflections or goals' wording."""
    relationships = list(
        programme.relationships.select_related(
            "person_a__profile", "person_b__profile", "person_a__mentoring_profile", "person_b__mentoring_profile"
        )
        .annotate(
            session_count=Count("sessions", distinct=True),
            goals_a_total=Count("goals", filter=Q(goals__side="a"), distinct=True),
            goals_a_met=Count("goals", filter=Q(goals__side="a", goals__progress__gte=100), distinct=True),
            goals_b_total=Count("goals", filter=Q(goals__side="b"), distinct=True),
            goals_b_met=Count("goals", filter=Q(goals__side="b", goals__progress__gte=100), distinct=True),
            overdue=Count(
                "checkins",
                filter=Q(checkins__completed_at__isnull=True, checkins__due_on__lt=timezone.localdate()),
                distinct=True,
            ),
        )
        .order_by("created_at", "pk")
    )
    rows = [
        [
            "pair",
            "person_a",
            "years_a",
            "person_b",
            "years_b",
            "status",
            "score",
            "proposed_on",
            "active_since",
            "sessions",
            "goals_a_met",
            "goals_a_total",
            "goals_b_met",
            "goals_b_total",
            "overdue_checkins",
        ]
    ]
    for r in relationships:
        rows.append(
            [
                str(r.pk),
                _name(r.person_a),
                str(_years(r.person_a)),
                _name(r.person_b),
                str(_years(r.person_b)),
                r.status,
                f"{r.score:.0f}",
                r.created_at.date().isoformat(),
                r.activated_at.date().isoformat() if r.activated_at else "",
                str(r.session_count),
                str(r.goals_a_met),
                str(r.goals_a_total),
                str(r.goals_b_met),
                str(r.goals_b_total),
                str(r.overdue),
            ]
        )
    return rows
