"""The quick scan's statements: two per success factor, scored 1 (disagree) … 5 (agree)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from knowledge_base.models import SuccessFactorChoice

# Below this mean score (on 1 … 5) a factor counts as weak and the scan suggests lessons for it.
WEAK_BELOW = 3.0


@dataclass(frozen=True)
class Statement:
    code: str
    factor: str
    text: str | Promise


STATEMENTS: tuple[Statement, ...] = (
    Statement(
        "ownership_1",
        SuccessFactorChoice.SHARED_OWNERSHIP,
        _("Schools, companies and others all invest time or money in our community."),
    ),
    Statement(
        "ownership_2", SuccessFactorChoice.SHARED_OWNERSHIP, _("We decide together what the community works on.")
    ),
    Statement(
        "regional_1",
        SuccessFactorChoice.REGIONAL_NETWORKS,
        _("Our community is part of the region's network of schools and companies."),
    ),
    Statement(
        "regional_2",
        SuccessFactorChoice.REGIONAL_NETWORKS,
        _("Local government and sector organisations know what we do."),
    ),
    Statement("hybrid_1", SuccessFactorChoice.HYBRID_LEARNING, _("Learning and working go together in our community.")),
    Statement(
        "hybrid_2", SuccessFactorChoice.HYBRID_LEARNING, _("Students, workers and teachers learn from each other here.")
    ),
    Statement("places_1", SuccessFactorChoice.LEARNING_PLACES, _("We have a physical place where we meet and work.")),
    Statement("places_2", SuccessFactorChoice.LEARNING_PLACES, _("Our online place helps us between meetings.")),
    Statement("open_1", SuccessFactorChoice.OPEN_EXPERTISE, _("New people and organisations can easily join.")),
    Statement(
        "open_2", SuccessFactorChoice.OPEN_EXPERTISE, _("We share what we learn with people outside the community.")
    ),
    Statement(
        "mentors_1",
        SuccessFactorChoice.TWO_WAY_MENTORING,
        _("Young and experienced professionals learn from each other."),
    ),
    Statement(
        "mentors_2",
        SuccessFactorChoice.TWO_WAY_MENTORING,
        _("Mentors in our community also learn from the people they guide."),
    ),
)
BY_CODE = {s.code: s for s in STATEMENTS}
FACTORS: tuple[str, ...] = tuple(dict.fromkeys(s.factor for s in STATEMENTS))


def factor_label(code: str) -> str:
    return str(SuccessFactorChoice(code).label)
