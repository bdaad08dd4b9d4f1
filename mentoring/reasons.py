"""Matching reasons as sentences, one per criterion, with the points it adds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from mentoring import matching
from mentoring.models import SectorPreference


@dataclass(frozen=True)
class ReasonLine:
    criterion: str
    label: str
    text: str
    points: int | None  # None: a condition, not points


def _label(criterion: str) -> str:
    labels = {
        "skills": _("Learning from each other"),
        "experience": _("Experience"),
        "availability": _("Time and way of meeting"),
        "region": _("Region"),
        "organisation": _("Organisation"),
        "sector": _("Sector"),
    }
    return labels.get(criterion, criterion)


def _join(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return _("%(first)s and %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}


def _mode_text(mode: int) -> str:
    if mode == matching.MODE_BOTH:
        return _("online and in person")
    if mode == matching.MODE_IN_PERSON:
        return _("in person")
    return _("online")


def _text(reason: matching.Reason, other: str, names: dict[str, dict[int, str]]) -> str:
    d = reason.data
    skill = names.get("skills", {})
    region = names.get("regions", {})
    if reason.criterion == "skills":
        they = [skill.get(s, "?") for s in d.get("they_teach", [])]
        you = [skill.get(s, "?") for s in d.get("you_teach", [])]
        parts = []
        if they:
            parts.append(_("%(name)s can teach you: %(skills)s") % {"name": other, "skills": _join(they)})
        else:
            parts.append(_("%(name)s offers nothing you want to learn yet") % {"name": other})
        if you:
            parts.append(_("you can teach %(name)s: %(skills)s") % {"name": other, "skills": _join(you)})
        else:
            parts.append(_("you offer nothing %(name)s wants to learn yet") % {"name": other})
        return "; ".join(str(p) for p in parts)
    if reason.criterion == "experience":
        return _("%(gap)s years apart in work experience (you %(mine)s, %(name)s %(theirs)s)") % {
            "gap": d.get("gap", 0),
            "mine": d.get("your_years", 0),
            "name": other,
            "theirs": d.get("their_years", 0),
        }
    if reason.criterion == "availability":
        return _("you have %(mine)s hours a month, %(name)s has %(theirs)s; you can meet %(mode)s") % {
            "mine": d.get("your_hours", 0),
            "name": other,
            "theirs": d.get("their_hours", 0),
            "mode": _mode_text(int(d.get("mode", matching.MODE_BOTH))),
        }
    if reason.criterion == "region":
        if d.get("same"):
            return _("both in %(region)s, handy for meeting in person") % {
                "region": region.get(d.get("your_region") or 0, "?")
            }
        if d.get("your_region") is None or d.get("their_region") is None:
            return _("not both of you have given a region, while you may meet in person")
        return _("not in the same region, while you may meet in person")
    if reason.criterion == "organisation":
        if d.get("different"):
            return _("from different organisations, as asked")
        return _("from the same organisation, while one of you asked for another")
    shared = d.get("shared", [])
    stated = [p for p in (d.get("your_preference"), d.get("their_preference")) if p and p != SectorPreference.ANY]
    met = sum(1 for p in stated if (p == SectorPreference.SAME) == bool(shared))
    if met == len(stated):
        return _("sector preference met")
    if met:
        return _("sector preference met for one of you")
    return _("sector preference not met")


def describe(
    reasons: Sequence[matching.Reason],
    *,
    other_name: str,
    names: dict[str, dict[int, str]],
    languages: frozenset[str],
) -> list[ReasonLine]:
    """Sentences for the viewer, with whole points that add up to the rounded score."""
    points = matching.points_for_display(reasons)
    lines = [
        ReasonLine(criterion=r.criterion, label=_label(r.criterion), text=_text(r, other_name, names), points=p)
        for r, p in zip(reasons, points, strict=True)
    ]
    if languages:
        lines.append(
            ReasonLine(
                criterion="language",
                label=_("Language"),
                text=_("you share a language (%(codes)s), which is required") % {"codes": ", ".join(sorted(languages))},
                points=None,
            )
        )
    return lines
