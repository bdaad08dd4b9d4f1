"""Writes for mentoring. Keyword-only, typed, one transaction each, permission-checked.

A refused action raises ``PermissionDenied``; an invalid one ``ValidationError``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import asdict, dataclass, replace
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts.models import Skill, User
from core.text import check_text
from forum import services as forum_services
from mentoring import matching, permissions, selectors
from mentoring.models import (
    Agreement,
    CheckIn,
    Closing,
    Goal,
    MatchingMode,
    MatchingRound,
    MentoringProfile,
    Mode,
    Notification,
    NotificationKind,
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

log = logging.getLogger(__name__)

# Demo loading creates hundreds of notifications; it keeps them in-app only.
_send_email: ContextVar[bool] = ContextVar("mentoring_send_email", default=True)


@contextmanager
def without_email() -> Iterator[None]:
    token = _send_email.set(False)
    try:
        yield
    finally:
        _send_email.reset(token)


# --- Notifications -----------------------------------------------------------------------


def notify(*, user: User | None, kind: str, relationship: Relationship | None, text: str) -> Notification | None:
    """An in-app notification, and an e-mail once the transaction has committed.

    ``user`` is ``None`` for the deleted side of a pair (``Relationship.person_a``/``person_b``
    are SET_NULL): there is no one to tell.
    """
    if user is None:
        return None
    note = Notification.objects.create(user=user, kind=kind, relationship=relationship, text=text[:300])
    if not _send_email.get():
        return note
    url = settings.SITE_URL.rstrip("/") + (relationship.get_absolute_url() if relationship else "/mentoring/")
    recipient = user.email

    def send() -> None:
        try:
            send_mail(
                subject="[Kring] " + " ".join(text[:120].split()),  # a header is one line, whatever a name holds
                message=f"{text}\n\n{url}\n",
                from_email=None,
                recipient_list=[recipient],
            )
        except OSError:  # a mail server hiccup must not undo what was saved
            log.warning("mentoring notification e-mail to user %s failed", user.pk, exc_info=True)

    transaction.on_commit(send)
    return note


@transaction.atomic
def mark_notifications_read(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


# --- Profile -------------------------------------------------------------------------------


@dataclass(frozen=True)
class OfferInput:
    skill: Skill
    level: int
    context: str = ""


@dataclass(frozen=True)
class WantInput:
    skill: Skill
    goal: str = ""


@transaction.atomic
def ensure_mentoring_profile(*, user: User) -> MentoringProfile:
    profile, created = MentoringProfile.objects.get_or_create(user=user)
    if created:
        transaction.on_commit(selectors.bump_pool_version)
    return profile


@transaction.atomic
def save_mentoring_profile(
    *,
    user: User,
    years_experience: int,
    hours_per_month: int,
    mode: str,
    prefers_other_organisation: bool,
    sector_preference: str,
    motivation: str = "",
    max_relationships: int = 1,
    is_open: bool = True,
    offers: Sequence[OfferInput] = (),
    wants: Sequence[WantInput] = (),
) -> MentoringProfile:
    offered = [o.skill.pk for o in offers]
    wanted = [w.skill.pk for w in wants]
    if len(set(offered)) != len(offered) or len(set(wanted)) != len(wanted):
        raise ValidationError(_("Name each skill only once per list."), code="duplicate_skill")
    profile, _created = MentoringProfile.objects.select_for_update().get_or_create(user=user)
    profile.years_experience = years_experience
    profile.hours_per_month = hours_per_month
    profile.mode = mode
    profile.prefers_other_organisation = prefers_other_organisation
    profile.sector_preference = sector_preference
    profile.motivation = motivation.strip()
    profile.max_relationships = max_relationships
    profile.is_open = is_open
    profile.full_clean(exclude=["user"])
    profile.save()
    profile.offers.all().delete()
    profile.wants.all().delete()
    SkillOffer.objects.bulk_create(
        SkillOffer(profile=profile, skill=o.skill, level=o.level, context=o.context.strip()[:200]) for o in offers
    )
    SkillWant.objects.bulk_create(SkillWant(profile=profile, skill=w.skill, goal=w.goal.strip()[:200]) for w in wants)
    transaction.on_commit(selectors.bump_pool_version)
    return profile


# --- Programmes ----------------------------------------------------------------------------


@transaction.atomic
def save_programme(
    *,
    by: User,
    programme: Programme | None = None,
    name: str,
    slug: str,
    description: str = "",
    eligibility: str = "",
    intake_questions: str = "",
    starts_on: date,
    ends_on: date,
    matching_mode: str = MatchingMode.BOTH,
    checkin_interval_days: int = 30,
    weights: matching.Weights | None = None,
    coordinators: Iterable[User] = (),
) -> Programme:
    if programme is None:
        if not permissions.can_create_programme(by):
            raise PermissionDenied
        programme = Programme()
    elif not permissions.can_manage_programme(by, programme):
        raise PermissionDenied
    weights = weights or matching.Weights()
    programme.name = name.strip()
    programme.slug = slug
    programme.description = description.strip()
    programme.eligibility = eligibility.strip()
    programme.intake_questions = intake_questions.strip()
    programme.starts_on = starts_on
    programme.ends_on = ends_on
    programme.matching_mode = matching_mode
    programme.checkin_interval_days = checkin_interval_days
    programme.weight_skills = int(weights.skills)
    programme.weight_experience = int(weights.experience)
    programme.weight_availability = int(weights.availability)
    programme.weight_region = int(weights.region)
    programme.weight_organisation = int(weights.organisation)
    programme.weight_sector = int(weights.sector)
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("The cohort cannot end before it starts.")})
    if sum(asdict(weights).values()) <= 0:
        raise ValidationError(_("At least one weight must be above zero."), code="weights")
    programme.full_clean()
    programme.save()
    programme.coordinators.set({*coordinators, by})
    transaction.on_commit(selectors.bump_pool_version)
    return programme


@transaction.atomic
def invite_participant(*, by: User, programme: Programme, user: User) -> Participation:
    if not permissions.can_manage_programme(by, programme):
        raise PermissionDenied
    participation, created = Participation.objects.get_or_create(
        programme=programme, user=user, defaults={"status": ParticipationStatus.INVITED}
    )
    if not created and participation.status == ParticipationStatus.APPLIED:
        participation.status = ParticipationStatus.ADMITTED
        participation.save(update_fields=["status"])
    elif not created and participation.status == ParticipationStatus.LEFT:
        participation.status = ParticipationStatus.INVITED
        participation.save(update_fields=["status"])
    transaction.on_commit(selectors.bump_pool_version)
    if participation.status == ParticipationStatus.INVITED:
        notify(
            user=user,
            kind=NotificationKind.PROPOSAL,
            relationship=None,
            text=_("You are invited to the mentoring programme %(name)s.") % {"name": programme.name},
        )
    return participation


@transaction.atomic
def join_programme(*, user: User, programme: Programme, answers: dict[str, str]) -> Participation:
    """Accept an invitation (admitted at once) or apply (the coordinator admits)."""
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied
    questions = programme.questions()
    missing = [q for q in questions if not (answers.get(q) or "").strip()]
    if missing:
        raise ValidationError(_("Please answer every intake question."), code="intake")
    clean = {q: answers[q].strip()[:1000] for q in questions}
    participation = Participation.objects.select_for_update().filter(programme=programme, user=user).first()
    if participation is None:
        participation = Participation(programme=programme, user=user, status=ParticipationStatus.APPLIED)
    elif participation.status == ParticipationStatus.INVITED:
        participation.status = ParticipationStatus.ADMITTED
    elif participation.status == ParticipationStatus.LEFT:
        participation.status = ParticipationStatus.APPLIED
    participation.intake_answers = clean
    participation.save()
    ensure_mentoring_profile(user=user)
    transaction.on_commit(selectors.bump_pool_version)
    return participation


@transaction.atomic
def admit_participant(*, by: User, participation: Participation) -> Participation:
    if not permissions.can_manage_programme(by, participation.programme):
        raise PermissionDenied
    participation.status = ParticipationStatus.ADMITTED
    participation.save(update_fields=["status"])
    transaction.on_commit(selectors.bump_pool_version)
    return participation


@transaction.atomic
def run_matching_round(*, by: User, programme: Programme, min_score: float = 0.0) -> MatchingRound:
    """Match the admitted participants who still have room for a pair, and record who stays unmatched."""
    if not permissions.can_manage_programme(by, programme):
        raise PermissionDenied
    if programme.matching_mode == MatchingMode.CHOOSE:
        raise ValidationError(_("In this programme members choose their own match."), code="mode")
    # Everyone keeps the room they have left: a member with capacity 2 and one open pair
    # can still be matched once; a member who is full is left out of the round.
    open_counts = selectors.open_relationship_counts()
    cohort = [
        replace(c, capacity=c.capacity - open_counts[c.id])
        for c in selectors.candidates(selectors.pool_profiles(programme=programme))
        if open_counts[c.id] < c.capacity
    ]
    forbidden = {
        frozenset(pair)
        for pair in Relationship.objects.filter(
            Q(person_a_id__in=[c.id for c in cohort]) | Q(person_b_id__in=[c.id for c in cohort])
        ).values_list("person_a_id", "person_b_id")
    }
    weights = selectors.weights_for(programme)
    result = matching.run_round(cohort, weights, forbidden=forbidden, min_score=min_score)
    round_ = MatchingRound.objects.create(
        programme=programme,
        run_by=by,
        weights=asdict(weights),
        pair_count=len(result.pairs),
        total_score=result.total,
        unmatched=[{"user_id": u.id, "reason": u.reason} for u in result.unmatched],
    )
    by_id = {c.id: c for c in cohort}
    users = User.objects.in_bulk([i for p in result.pairs for i in (p.younger_id, p.older_id)])
    for pair in result.pairs:
        low, high = sorted((pair.younger_id, pair.older_id))
        match = matching.explain(by_id[low], by_id[high], weights)
        relationship = Relationship.objects.create(
            programme=programme,
            person_a=users[low],
            person_b=users[high],
            matching_round=round_,
            score=match.score,
            reasons=_reasons_json(match),
        )
        for person in (users[low], users[high]):
            notify(
                user=person,
                kind=NotificationKind.PROPOSAL,
                relationship=relationship,
                text=_("The matching round of %(programme)s proposes a pair for you.") % {"programme": programme.name},
            )
    return round_


# --- Relationships -------------------------------------------------------------------------


def _reasons_json(match: matching.Match) -> list[dict[str, Any]]:
    return [{"criterion": r.criterion, "points": r.points, "data": r.data} for r in match.reasons]


def _locked(relationship: Relationship) -> Relationship:
    return Relationship.objects.select_for_update(of=("self",)).select_related("programme").get(pk=relationship.pk)


def _require_party(by: User, relationship: Relationship) -> str:
    side = relationship.side_of(by.pk)
    if side is None or not permissions.can_act_in_relationship(by, relationship):
        raise PermissionDenied
    return side


def _require_status(relationship: Relationship, *statuses: str) -> None:
    if relationship.status not in statuses:
        raise ValidationError(_("This is not possible in the pair's current state."), code="status")


@transaction.atomic
def propose(
    *,
    by: User,
    other: User,
    programme: Programme | None = None,
    message: str = "",
    rematch_of: Relationship | None = None,
) -> Relationship:
    if not by.is_authenticated or not by.is_active or not other.is_active or by.pk == other.pk:
        raise PermissionDenied
    check_text(message, field="message", multiline=True)
    if programme is not None:
        admitted = set(
            programme.participations.filter(
                status=ParticipationStatus.ADMITTED, user_id__in=[by.pk, other.pk]
            ).values_list("user_id", flat=True)
        )
        if admitted != {by.pk, other.pk}:
            raise PermissionDenied
        if programme.matching_mode == MatchingMode.ROUND:
            raise ValidationError(_("In this programme the coordinator makes the pairs."), code="mode")
    if rematch_of is not None and (
        rematch_of.side_of(by.pk) is None or rematch_of.status not in (Status.ENDED_EARLY, Status.DECLINED)
    ):
        raise PermissionDenied
    mine = selectors.candidate_for(user=by)
    theirs = selectors.candidate_for(user=other)
    if mine is None or theirs is None:
        raise ValidationError(_("Both of you need a mentoring profile first."), code="profile")
    if other.pk in selectors.unavailable_for(user=by):
        raise ValidationError(_("This member cannot take on a new pair with you now."), code="unavailable")
    failure = matching.hard_constraint_failure(mine, theirs)
    if failure is not None:
        raise ValidationError(_("You do not meet the conditions for a pair (language, way of meeting, time)."))
    low, high = sorted((mine, theirs), key=lambda c: c.id)
    match = matching.explain(low, high, selectors.weights_for(programme))
    users = {by.pk: by, other.pk: other}
    try:
        with transaction.atomic():
            relationship = Relationship.objects.create(
                programme=programme,
                person_a=users[low.id],
                person_b=users[high.id],
                proposed_by=by,
                rematch_of=rematch_of,
                accepted_by_a=by.pk == low.id,
                accepted_by_b=by.pk == high.id,
                score=match.score,
                reasons=_reasons_json(match),
                message=message.strip()[:500],
            )
    except IntegrityError as exc:
        raise ValidationError(_("You already have an open pair with this member."), code="duplicate") from exc
    notify(
        user=other,
        kind=NotificationKind.PROPOSAL,
        relationship=relationship,
        text=_("%(name)s proposes to learn from each other.") % {"name": by.display_name},
    )
    return relationship


@transaction.atomic
def respond(*, by: User, relationship: Relationship, accept: bool) -> Relationship:
    relationship = _locked(relationship)
    side = _require_party(by, relationship)
    _require_status(relationship, Status.PROPOSED)
    partner = relationship.partner_of(by.pk)
    if not accept:
        relationship.status = Status.DECLINED
        relationship.ended_at = timezone.now()
        relationship.save(update_fields=["status", "ended_at"])
        notify(
            user=partner,
            kind=NotificationKind.DECLINED,
            relationship=relationship,
            text=_("%(name)s declined the proposal.") % {"name": by.display_name},
        )
        return relationship
    setattr(relationship, f"accepted_by_{side}", True)
    fields = [f"accepted_by_{side}"]
    if relationship.accepted_by_a and relationship.accepted_by_b:
        relationship.status = Status.AGREEING
        fields += ["status", "room"]
        _open_room(relationship)
    relationship.save(update_fields=fields)
    notify(
        user=partner,
        kind=NotificationKind.ACCEPTED,
        relationship=relationship,
        text=_("%(name)s accepted: now make your agreement together.") % {"name": by.display_name},
    )
    return relationship


def _open_room(relationship: Relationship) -> None:
    """The pair's private room: a restricted forum room, with the coordinators if both allowed it."""
    if relationship.room_id is not None:
        return
    person_a, person_b = relationship.person_a, relationship.person_b
    if person_a is None or person_b is None:  # one of the two deleted their account: no new room
        return
    members = [person_a, person_b]
    if relationship.coordinator_allowed and relationship.programme is not None:
        members += list(relationship.programme.coordinators.all())
    title = f"{person_a.display_name} & {person_b.display_name}"
    relationship.room = forum_services.create_pair_room(title=title, members=members)


@transaction.atomic
def save_agreement(
    *,
    by: User,
    relationship: Relationship,
    rhythm: str,
    duration_months: int,
    confidentiality: str,
    goals_a: Sequence[str],
    goals_b: Sequence[str],
) -> Agreement:
    """Write the agreement and both people's goals. At least one goal each way, or nothing
    is saved. Any change clears both signatures."""
    relationship = _locked(relationship)
    _require_party(by, relationship)
    _require_status(relationship, Status.AGREEING)
    clean_a = [g.strip()[:300] for g in goals_a if g.strip()]
    clean_b = [g.strip()[:300] for g in goals_b if g.strip()]
    if not clean_a or not clean_b:
        raise ValidationError(_("Write at least one learning goal for each of you."), code="goals_each_way")
    agreement = Agreement.objects.filter(relationship=relationship).first() or Agreement(relationship=relationship)
    agreement.rhythm = rhythm.strip()
    agreement.duration_months = duration_months
    agreement.confidentiality = confidentiality.strip()
    agreement.signed_a_at = None
    agreement.signed_b_at = None
    agreement.full_clean(exclude=["relationship"])
    relationship.goals.all().delete()
    Goal.objects.bulk_create(
        [Goal(relationship=relationship, side="a", description=g) for g in clean_a]
        + [Goal(relationship=relationship, side="b", description=g) for g in clean_b]
    )
    agreement.goals_a = len(clean_a)
    agreement.goals_b = len(clean_b)
    agreement.save()
    notify(
        user=relationship.partner_of(by.pk),
        kind=NotificationKind.AGREEMENT_TO_SIGN,
        relationship=relationship,
        text=_("%(name)s wrote your agreement; read and sign it.") % {"name": by.display_name},
    )
    return agreement


@transaction.atomic
def sign_agreement(*, by: User, relationship: Relationship) -> Relationship:
    relationship = _locked(relationship)
    side = _require_party(by, relationship)
    _require_status(relationship, Status.AGREEING)
    agreement = Agreement.objects.select_for_update().filter(relationship=relationship).first()
    if agreement is None:
        raise ValidationError(_("There is no agreement to sign yet."), code="no_agreement")
    # Count again: the database refuses a signature without a goal each way as well.
    agreement.goals_a = relationship.goals.filter(side="a").count()
    agreement.goals_b = relationship.goals.filter(side="b").count()
    if not agreement.goals_a or not agreement.goals_b:
        raise ValidationError(_("Write at least one learning goal for each of you."), code="goals_each_way")
    setattr(agreement, f"signed_{side}_at", timezone.now())
    agreement.save()
    if agreement.fully_signed:
        relationship.status = Status.ACTIVE
        relationship.activated_at = timezone.now()
        relationship.save(update_fields=["status", "activated_at"])
        _schedule_checkin(relationship, after=timezone.localdate())
        for person in (relationship.person_a, relationship.person_b):
            notify(
                user=person,
                kind=NotificationKind.ACTIVE,
                relationship=relationship,
                text=_("Your agreement is signed by both of you: your pair is active."),
            )
    else:
        notify(
            user=relationship.partner_of(by.pk),
            kind=NotificationKind.AGREEMENT_TO_SIGN,
            relationship=relationship,
            text=_("%(name)s signed your agreement; your signature is next.") % {"name": by.display_name},
        )
    return relationship


def _schedule_checkin(relationship: Relationship, *, after: date) -> CheckIn | None:
    if relationship.programme is None:
        return None
    due = after + timedelta(days=relationship.programme.checkin_interval_days)
    checkin, _created = CheckIn.objects.get_or_create(relationship=relationship, due_on=due)
    return checkin


@transaction.atomic
def set_coordinator_access(*, by: User, relationship: Relationship, allowed: bool) -> Relationship:
    relationship = _locked(relationship)
    side = _require_party(by, relationship)
    setattr(relationship, f"coordinator_allowed_by_{side}", allowed)
    relationship.save(update_fields=[f"coordinator_allowed_by_{side}"])
    if relationship.room is not None and relationship.programme is not None:
        change = forum_services.remove_room_member
        if relationship.coordinator_allowed:
            change = forum_services.add_room_member
        for coordinator in relationship.programme.coordinators.all():
            if coordinator.pk not in (relationship.person_a_id, relationship.person_b_id):
                change(room=relationship.room, user=coordinator)
    return relationship


@transaction.atomic
def update_goal(*, by: User, goal: Goal, progress: int) -> Goal:
    relationship = _locked(goal.relationship)
    side = _require_party(by, relationship)
    _require_status(relationship, Status.ACTIVE, Status.PAUSED)
    if goal.side != side:
        raise PermissionDenied  # each keeps track of their own goals
    if not 0 <= progress <= 100:
        raise ValidationError(_("Progress is a percentage from 0 to 100."), code="progress")
    goal.progress = progress
    goal.save(update_fields=["progress", "updated_at"])
    return goal


@transaction.atomic
def add_goal(*, by: User, relationship: Relationship, description: str) -> Goal:
    relationship = _locked(relationship)
    side = _require_party(by, relationship)
    _require_status(relationship, Status.ACTIVE, Status.PAUSED)
    if not check_text(description, field="description").strip():
        raise ValidationError(_("Describe the goal."), code="empty")
    goal = Goal.objects.create(relationship=relationship, side=side, description=description.strip()[:300])
    Agreement.objects.filter(relationship=relationship).update(
        **{f"goals_{side}": relationship.goals.filter(side=side).count()}
    )
    return goal


@dataclass(frozen=True)
class ReflectionInput:
    went_well: str = ""
    ran_into: str = ""
    learning_points: str = ""
    shared: bool = False

    def is_empty(self) -> bool:
        return not (self.went_well.strip() or self.ran_into.strip() or self.learning_points.strip())


@transaction.atomic
def log_session(
    *,
    by: User,
    relationship: Relationship,
    held_on: date,
    mode: str,
    shared_notes: str = "",
    reflection: ReflectionInput | None = None,
) -> Session:
    relationship = _locked(relationship)
    _require_party(by, relationship)
    _require_status(relationship, Status.ACTIVE)
    if held_on > timezone.localdate() + timedelta(days=1):
        raise ValidationError({"held_on": _("Log a session once it has taken place.")})
    if mode not in Mode.values:
        raise ValidationError({"mode": _("Choose how you met.")})
    session = Session.objects.create(
        relationship=relationship, held_on=held_on, mode=mode, shared_notes=shared_notes.strip(), logged_by=by
    )
    if reflection is not None and not reflection.is_empty():
        _write_reflection(session=session, author=by, data=reflection)
    notify(
        user=relationship.partner_of(by.pk),
        kind=NotificationKind.SESSION,
        relationship=relationship,
        text=_("%(name)s logged your session; add your own reflection.") % {"name": by.display_name},
    )
    return session


def _write_reflection(*, session: Session, author: User, data: ReflectionInput) -> Reflection:
    reflection, _created = Reflection.objects.update_or_create(
        session=session,
        author=author,
        defaults={
            "went_well": data.went_well.strip(),
            "ran_into": data.ran_into.strip(),
            "learning_points": data.learning_points.strip(),
            "shared": data.shared,
        },
    )
    return reflection


@transaction.atomic
def save_reflection(*, by: User, session: Session, data: ReflectionInput) -> Reflection:
    relationship = _locked(session.relationship)
    _require_party(by, relationship)
    _require_status(relationship, Status.ACTIVE, Status.PAUSED, Status.COMPLETED)
    if data.is_empty():
        raise ValidationError(_("Answer at least one of the questions."), code="empty")
    return _write_reflection(session=session, author=by, data=data)


@transaction.atomic
def complete_checkin(*, by: User, checkin: CheckIn, note: str) -> CheckIn:
    relationship = _locked(checkin.relationship)
    _require_party(by, relationship)
    _require_status(relationship, Status.ACTIVE, Status.PAUSED)
    checkin = CheckIn.objects.select_for_update().get(pk=checkin.pk)
    if checkin.completed_at is not None:
        raise ValidationError(_("This check-in is done already."), code="done")
    checkin.completed_at = timezone.now()
    checkin.completed_by = by
    checkin.note = note.strip()
    checkin.save(update_fields=["completed_at", "completed_by", "note"])
    _schedule_checkin(relationship, after=max(checkin.due_on, timezone.localdate()))
    return checkin


@transaction.atomic
def pause(*, by: User, relationship: Relationship) -> Relationship:
    relationship = _locked(relationship)
    _require_party(by, relationship)
    _require_status(relationship, Status.ACTIVE)
    relationship.status = Status.PAUSED
    relationship.save(update_fields=["status"])
    return relationship


@transaction.atomic
def resume(*, by: User, relationship: Relationship) -> Relationship:
    relationship = _locked(relationship)
    _require_party(by, relationship)
    _require_status(relationship, Status.PAUSED)
    relationship.status = Status.ACTIVE
    relationship.save(update_fields=["status"])
    return relationship


@transaction.atomic
def end_early(*, by: User, relationship: Relationship, reason: str) -> Relationship:
    relationship = _locked(relationship)
    _require_party(by, relationship)
    _require_status(relationship, Status.AGREEING, Status.ACTIVE, Status.PAUSED)
    if not check_text(reason, field="reason", multiline=True).strip():
        raise ValidationError({"reason": _("Say briefly why you stop.")})
    relationship.status = Status.ENDED_EARLY
    relationship.end_reason = reason.strip()
    relationship.ended_at = timezone.now()
    relationship.save(update_fields=["status", "end_reason", "ended_at"])
    notify(
        user=relationship.partner_of(by.pk),
        kind=NotificationKind.ENDED,
        relationship=relationship,
        text=_("%(name)s ended your pair early.") % {"name": by.display_name},
    )
    return relationship


@transaction.atomic
def write_closing(*, by: User, relationship: Relationship, taught: str, learned: str) -> Closing:
    """Each writes what they taught and learned; when both have, the pair is completed."""
    relationship = _locked(relationship)
    _require_party(by, relationship)
    _require_status(relationship, Status.ACTIVE, Status.PAUSED)
    if not taught.strip() or not learned.strip():
        raise ValidationError(_("Write both what you taught and what you learned."), code="empty")
    closing, _created = Closing.objects.update_or_create(
        relationship=relationship, author=by, defaults={"taught": taught.strip(), "learned": learned.strip()}
    )
    if relationship.closings.count() == 2:
        relationship.status = Status.COMPLETED
        relationship.ended_at = timezone.now()
        relationship.save(update_fields=["status", "ended_at"])
        for person in (relationship.person_a, relationship.person_b):
            notify(
                user=person,
                kind=NotificationKind.ENDED,
                relationship=relationship,
                text=_("You have both closed your pair. Well done!"),
            )
    else:
        notify(
            user=relationship.partner_of(by.pk),
            kind=NotificationKind.ENDED,
            relationship=relationship,
            text=_("%(name)s wrote what they taught and learned; your turn to close.") % {"name": by.display_name},
        )
    return closing


# --- Reminders (run daily: manage.py mentoring_reminders) -----------------------------------------


@transaction.atomic
def send_reminders(*, today: date | None = None) -> int:
    """Check-ins due (each reminded once), and a nudge to pairs without a session in the
    last 30 days (at most one nudge a month)."""
    today = today or timezone.localdate()
    now = timezone.now()
    sent = 0
    due = (
        # Lock only the check-ins: the people are a nullable (outer) join since SET_NULL,
        # and PostgreSQL cannot lock the nullable side of an outer join.
        CheckIn.objects.select_for_update(of=("self",))
        .filter(
            due_on__lte=today, completed_at__isnull=True, reminded_at__isnull=True, relationship__status=Status.ACTIVE
        )
        .select_related("relationship__person_a", "relationship__person_b")
    )
    for checkin in due:
        rel = checkin.relationship
        for person in (rel.person_a, rel.person_b):
            with override(settings.LANGUAGE_CODE):
                notify(
                    user=person,
                    kind=NotificationKind.CHECKIN_DUE,
                    relationship=rel,
                    text=_("A check-in on your pair is due: tell your coordinator how it is going."),
                )
            sent += 1
        checkin.reminded_at = now
        checkin.save(update_fields=["reminded_at"])
    quiet_since = today - timedelta(days=30)
    quiet = (
        Relationship.objects.filter(status=Status.ACTIVE, activated_at__date__lte=quiet_since)
        .exclude(sessions__held_on__gte=quiet_since)
        .select_related("person_a", "person_b")
    )
    for rel in quiet:
        for person in (rel.person_a, rel.person_b):
            if Notification.objects.filter(
                user=person,
                relationship=rel,
                kind=NotificationKind.SESSION_REMINDER,
                created_at__gte=now - timedelta(days=30),
            ).exists():
                continue
            with override(settings.LANGUAGE_CODE):
                notify(
                    user=person,
                    kind=NotificationKind.SESSION_REMINDER,
                    relationship=rel,
                    text=_("It has been a month since your last session: time to plan the next one?"),
                )
            sent += 1
    return sent
