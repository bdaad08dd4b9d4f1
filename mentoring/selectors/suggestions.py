"""Suggested partners for one member, with the reasons in words."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch

from accounts.models import Region, Skill, User
from mentoring import matching
from mentoring.models import (
    Programme,
    SkillOffer,
)
from mentoring.reasons import ReasonLine, describe
from mentoring.selectors.pool import (
    candidate_for,
    pool_table,
    unavailable_for,
    weights_for,
)

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


def ids_in(reasons: Iterable[matching.Reason]) -> tuple[set[int], set[int]]:
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
    skill_ids, region_ids = ids_in(r for m in found for r in m.reasons)
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


# What keeps a member out of every match, in the order the hint names them.
MISSING_LANGUAGE = "language"
MISSING_HOURS = "hours"
MISSING_SKILLS = "skills"


def missing_for_matching(*, user: User) -> list[str]:
    """What the member still has to fill in before anyone can be suggested: a language (the hard
    constraint a new member most often misses), hours, and skills offered or wanted."""
    me = candidate_for(user=user)
    if me is None:
        return [MISSING_LANGUAGE, MISSING_HOURS, MISSING_SKILLS]
    missing = []
    if not me.languages:
        missing.append(MISSING_LANGUAGE)
    if me.hours <= 0:
        missing.append(MISSING_HOURS)
    if not me.offers and not me.wants:
        missing.append(MISSING_SKILLS)
    return missing


def all_skills() -> list[Skill]:
    """The shared skill list, for the skill picker (a fixed taxonomy of a few dozen)."""
    return list(Skill.objects.order_by("name"))
