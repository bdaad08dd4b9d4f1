"""Programmes, participation and the coordinator's dashboard and export."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models import Avg, Count, Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from mentoring import matching
from mentoring.models import (
    OPEN_STATUSES,
    CheckIn,
    Closing,
    Goal,
    GoalsReached,
    MatchingRound,
    Participation,
    ParticipationStatus,
    Programme,
    Relationship,
    RoundPair,
    Satisfaction,
    Session,
    Status,
)
from mentoring.reasons import ReasonLine, describe
from mentoring.selectors.suggestions import ids_in, names_for

SMALL_GROUP = 5  # breakdowns hide groups smaller than this


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
    # The latest round's pairs with their reasons (seen from the first person), best first.
    round_pairs: list[RoundPairView] = field(default_factory=list)
    survey: SurveySummary | None = None
    stages: list[tuple[str, int]] = field(default_factory=list)  # pairs per stage (status), in order
    goals_over_time: GoalsOverTime | None = None


@dataclass
class SurveySummary:
    """The closing survey of a programme, in aggregate only.

    ``answers`` is how many people answered; below ``SMALL_GROUP`` every other figure is ``None``
    (and the lists empty), so no one's answer can be told from the totals.
    """

    answers: int
    average: float | None = None
    ratings: list[tuple[str, int]] = field(default_factory=list)  # (label, count), 1 to 5
    goals: list[tuple[str, int]] = field(default_factory=list)  # (label, count)
    recommend_yes: int | None = None
    recommend_no: int | None = None

    @property
    def shown(self) -> bool:
        return self.average is not None


def closing_survey(*, programme: Programme) -> SurveySummary:
    """One aggregate query over the closings with a survey answer in ``programme``'s pairs."""
    answered = Closing.objects.filter(relationship__programme=programme, satisfaction__isnull=False)
    totals = answered.aggregate(
        answers=Count("pk"),
        average=Avg("satisfaction"),
        recommend_yes=Count("pk", filter=Q(would_recommend=True)),
        recommend_no=Count("pk", filter=Q(would_recommend=False)),
        **{f"rating_{value}": Count("pk", filter=Q(satisfaction=value)) for value in Satisfaction.values},
        **{f"goals_{value}": Count("pk", filter=Q(goals_reached=value)) for value in GoalsReached.values},
    )
    answers = int(totals["answers"])
    if answers < SMALL_GROUP:
        return SurveySummary(answers=answers)
    return SurveySummary(
        answers=answers,
        average=round(float(totals["average"]), 1),
        ratings=[(f"{value} – {label}", int(totals[f"rating_{value}"])) for value, label in Satisfaction.choices],
        goals=[(str(label), int(totals[f"goals_{value}"])) for value, label in GoalsReached.choices],
        recommend_yes=int(totals["recommend_yes"]),
        recommend_no=int(totals["recommend_no"]),
    )


STAGE_ORDER = [
    Status.PROPOSED,
    Status.AGREEING,
    Status.ACTIVE,
    Status.PAUSED,
    Status.COMPLETED,
    Status.ENDED_EARLY,
    Status.DECLINED,
    Status.WITHDRAWN,
]


def pairs_per_stage(relationships: Iterable[Relationship]) -> list[tuple[str, int]]:
    """How many of the programme's pairs are in each stage, from proposal to the end (every stage
    listed, also when it has none)."""
    counts = Counter(r.status for r in relationships)
    return [(str(stage.label), counts.get(stage.value, 0)) for stage in STAGE_ORDER]


@dataclass
class GoalsOverTime:
    """Goals met per direction, counted up to the end of each month (``None``: a direction with
    fewer than ``SMALL_GROUP`` goals, not shown)."""

    months: list[date]
    young: list[int | None]
    old: list[int | None]

    @property
    def rows(self) -> list[tuple[date, int | None, int | None]]:
        return list(zip(self.months, self.young, self.old, strict=True))


MAX_MONTHS = 24


def _month_starts(first: date, last: date) -> list[date]:
    months = []
    month = first.replace(day=1)
    while month <= last:
        months.append(month)
        month = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return months[-MAX_MONTHS:]


def goals_met_over_time(
    *, programme: Programme, relationships: Iterable[Relationship], goals: list[Goal], today: date
) -> GoalsOverTime:
    """Per month from the cohort's start to today (or its end; the last 24 months at most): how
    many goals had been met where the less experienced one learns, and where the more experienced
    one does. A goal counts from ``met_at`` (for goals met before that field: its last change)."""
    relationships = list(relationships)
    months = _month_starts(programme.starts_on, max(programme.starts_on, min(today, programme.ends_on)))
    years = {rel.pk: (_years(rel.person_a), _years(rel.person_b)) for rel in relationships}
    met_young: list[date] = []
    met_old: list[date] = []
    total_young = total_old = 0
    for goal in goals:
        if goal.relationship_id not in years:
            continue
        ya, yb = years[goal.relationship_id]
        young = (ya <= yb) if goal.side == "a" else (yb < ya)
        total_young += young
        total_old += not young
        if goal.is_met:
            when = timezone.localtime(goal.met_at or goal.updated_at).date()
            (met_young if young else met_old).append(when)

    def counts(met: list[date], total: int) -> list[int | None]:
        if total < SMALL_GROUP:
            return [None] * len(months)
        ends = [(m.replace(day=28) + timedelta(days=4)).replace(day=1) for m in months]
        return [sum(1 for d in met if d < end) for end in ends]

    return GoalsOverTime(months=months, young=counts(met_young, total_young), old=counts(met_old, total_old))


@dataclass
class InviteRow:
    """One row of a CSV invitation list as the preview shows it."""

    line: int
    email: str
    name: str
    member: User | None = None
    problem: str = ""  # why this row cannot be invited; "" when it can
    note: str = ""  # something to know about a row that can be invited

    @property
    def ok(self) -> bool:
        return not self.problem


def invite_preview(*, programme: Programme, rows: Iterable[tuple[int, str, str]]) -> list[InviteRow]:
    """Check each (line, e-mail, name) row: a valid address, once in the list, of an active member
    who is not invited or taking part already. Two queries, whatever the number of rows."""
    result = [InviteRow(line=line, email=email, name=name) for line, email, name in rows]
    seen: dict[str, int] = {}
    for row in result:
        try:
            validate_email(row.email)
        except ValidationError:
            row.problem = _("This is not a valid e-mail address.")
            continue
        key = row.email.lower()
        if key in seen:
            row.problem = _("This address is in the list already (line %(line)s).") % {"line": seen[key]}
        else:
            seen[key] = row.line
    members = {
        u.email_lower: u
        for u in User.objects.filter(is_active=True)
        .annotate(email_lower=Lower("email"))
        .filter(email_lower__in=list(seen))
        .select_related("profile")
    }
    statuses = dict(
        Participation.objects.filter(programme=programme, user__in=list(members.values())).values_list(
            "user_id", "status"
        )
    )
    for row in result:
        if row.problem:
            continue
        row.member = members.get(row.email.lower())
        if row.member is None:
            row.problem = _("No member has this e-mail address.")
            continue
        status = statuses.get(row.member.pk)
        if status == ParticipationStatus.ADMITTED:
            row.problem = _("Already takes part in this programme.")
        elif status == ParticipationStatus.INVITED:
            row.problem = _("Has been invited already.")
        elif status == ParticipationStatus.APPLIED:
            row.note = _("Has applied: the invitation admits them.")
    return result


@dataclass
class RoundPairView:
    pair: RoundPair
    lines: list[ReasonLine]


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
    return user.display_name if user is not None else _("former member")


def suppress(count: int) -> int | None:
    return count if count >= SMALL_GROUP else None


def dashboard(*, programme: Programme, today: date | None = None) -> Dashboard:
    today = today or timezone.localdate()
    participants = _participants(programme)
    relationships = list(
        programme.relationships.select_related(
            "person_a__profile", "person_b__profile", "person_a__mentoring_profile", "person_b__mentoring_profile"
        ).order_by("-created_at", "-pk")
    )
    goals = list(
        Goal.objects.filter(relationship__programme=programme).only(
            "relationship_id", "side", "progress", "met_at", "updated_at"
        )
    )
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
    round_pairs: list[RoundPairView] = []
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
        round_pairs = _round_pairs(latest)
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
        round_pairs=round_pairs,
        survey=closing_survey(programme=programme),
        stages=pairs_per_stage(relationships),
        goals_over_time=goals_met_over_time(programme=programme, relationships=relationships, goals=goals, today=today),
    )


def _round_pairs(round_: MatchingRound) -> list[RoundPairView]:
    pairs = list(round_.pairs.select_related("person_a__profile", "person_b__profile"))
    stored = {p.pk: [matching.Reason(r["criterion"], r["points"], r.get("data", {})) for r in p.reasons] for p in pairs}
    skill_ids, region_ids = ids_in(r for reasons in stored.values() for r in reasons)
    names = names_for(skill_ids, region_ids)
    return [
        RoundPairView(
            pair=p,
            lines=describe(stored[p.pk], other_name=p.person_b.display_name, names=names, languages=frozenset()),
        )
        for p in pairs
    ]


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
