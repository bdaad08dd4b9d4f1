"""Programmes and their participants: create and edit, invite, apply or accept, admit."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from core.errors import Forbidden, Invalid
from mentoring import matching, permissions, selectors
from mentoring.models import (
    MatchingMode,
    Participation,
    ParticipationStatus,
    Programme,
)
from mentoring.services._checks import full_clean
from mentoring.services.notifications import notify
from mentoring.services.profiles import ensure_mentoring_profile
from notifications.models import NotificationKind


@transaction.atomic
def save_programme(
    *,
    actor: User,
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
        if not permissions.can_create_programme(actor):
            raise Forbidden(_("You may not create a mentoring programme."))
        programme = Programme()
    elif not permissions.can_manage_programme(actor, programme):
        raise Forbidden(_("Only the coordinators of this programme can do this."))
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
        raise Invalid(_("The cohort cannot end before it starts."), field="ends_on")
    if sum(asdict(weights).values()) <= 0:
        raise Invalid(_("At least one weight must be above zero."), code="weights")
    full_clean(programme)
    programme.save()
    programme.coordinators.set({*coordinators, actor})
    transaction.on_commit(selectors.bump_pool_version)
    return programme


@transaction.atomic
def invite_participant(*, actor: User, programme: Programme, user: User) -> Participation:
    if not permissions.can_manage_programme(actor, programme):
        raise Forbidden(_("Only the coordinators of this programme can do this."))
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
def invite_participants(
    *, actor: User, programme: Programme, rows: Sequence[tuple[int, str, str]]
) -> list[Participation]:
    """Invite every member of a list (line, e-mail, name) that the preview lets through.

    The rows are checked again here (``selectors.invite_preview``), and each invitation goes
    through ``invite_participant``: one write path for one invitation and for a list.
    """
    if not permissions.can_manage_programme(actor, programme):
        raise Forbidden(_("Only the coordinators of this programme can do this."))
    preview = selectors.invite_preview(programme=programme, rows=rows)
    return [
        invite_participant(actor=actor, programme=programme, user=row.member)
        for row in preview
        if row.ok and row.member is not None
    ]


@transaction.atomic
def join_programme(*, actor: User, programme: Programme, answers: dict[str, str]) -> Participation:
    """Accept an invitation (admitted at once) or apply (the coordinator admits)."""
    if not actor.is_authenticated or not actor.is_active:
        raise Forbidden(_("Log in to join a programme."))
    questions = programme.questions()
    missing = [q for q in questions if not (answers.get(q) or "").strip()]
    if missing:
        raise Invalid(_("Please answer every intake question."), code="intake")
    clean = {q: answers[q].strip()[:1000] for q in questions}
    participation = Participation.objects.select_for_update().filter(programme=programme, user=actor).first()
    if participation is None:
        participation = Participation(programme=programme, user=actor, status=ParticipationStatus.APPLIED)
    elif participation.status == ParticipationStatus.INVITED:
        participation.status = ParticipationStatus.ADMITTED
    elif participation.status == ParticipationStatus.LEFT:
        participation.status = ParticipationStatus.APPLIED
    participation.intake_answers = clean
    participation.save()
    ensure_mentoring_profile(user=actor)
    transaction.on_commit(selectors.bump_pool_version)
    return participation


@transaction.atomic
def admit_participant(*, actor: User, participation: Participation) -> Participation:
    if not permissions.can_manage_programme(actor, participation.programme):
        raise Forbidden(_("Only the coordinators of this programme can do this."))
    participation.status = ParticipationStatus.ADMITTED
    participation.save(update_fields=["status"])
    transaction.on_commit(selectors.bump_pool_version)
    return participation
