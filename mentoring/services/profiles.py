"""A member's mentoring profile: what they offer and want to learn."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Skill, User
from core.errors import Invalid
from mentoring import selectors
from mentoring.models import (
    MentoringProfile,
    SkillOffer,
    SkillWant,
)
from mentoring.services._checks import full_clean


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
    actor: User,
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
        raise Invalid(_("Name each skill only once per list."), code="duplicate_skill")
    profile, _created = MentoringProfile.objects.select_for_update().get_or_create(user=actor)
    profile.years_experience = years_experience
    profile.hours_per_month = hours_per_month
    profile.mode = mode
    profile.prefers_other_organisation = prefers_other_organisation
    profile.sector_preference = sector_preference
    profile.motivation = motivation.strip()
    profile.max_relationships = max_relationships
    profile.is_open = is_open
    full_clean(profile, exclude=["user"])
    profile.save()
    profile.offers.all().delete()
    profile.wants.all().delete()
    SkillOffer.objects.bulk_create(
        SkillOffer(profile=profile, skill=o.skill, level=o.level, context=o.context.strip()[:200]) for o in offers
    )
    SkillWant.objects.bulk_create(SkillWant(profile=profile, skill=w.skill, goal=w.goal.strip()[:200]) for w in wants)
    transaction.on_commit(selectors.bump_pool_version)
    return profile
