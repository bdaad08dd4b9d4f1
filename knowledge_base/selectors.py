"""Reads for the knowledge base: faceted search over live lessons and pilots.

Filtering is done in the ORM (it handles the many-to-many taxonomy), the full-text match and ranking
by Wagtail's search backend (the database backend: SQLite FTS locally, PostgreSQL full-text search when
DATABASE_URL points at PostgreSQL). Facet counts are computed over the current result set: within one
facet the selected values are combined with OR, across facets with AND.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from accounts.models import Region, Sector
from knowledge_base.models import (
    CommunityKindChoice,
    Leerfunctie,
    LessonPage,
    PilotPage,
    SuccessFactorChoice,
    ThemePage,
)

FACET_KEYS = ("type", "sector", "region", "kind", "leerfunctie", "factor", "theme")
FACET_LABELS = {
    "type": _("Type"),
    "sector": _("Sector"),
    "region": _("Region"),
    "kind": _("Community kind"),
    "leerfunctie": _("Learning function"),
    "factor": _("Success factor"),
    "theme": _("Theme"),
}
# How each facet filters lessons and pilots; None: pilots carry no such value, so a filter on it excludes them.
LESSON_LOOKUPS = {
    "sector": "sectors__slug__in",
    "region": "regions__slug__in",
    "kind": "community_kinds__code__in",
    "leerfunctie": "leerfunctie__in",
    "factor": "success_factors__code__in",
    "theme": "themes__slug__in",
}
PILOT_LOOKUPS: dict[str, str | None] = {
    "sector": "sector__slug__in",
    "region": "region__slug__in",
    "kind": "community_kind__in",
    "leerfunctie": None,
    "factor": None,
    "theme": None,
}
TYPE_LABELS = {"lesson": _("Lesson"), "pilot": _("Pilot")}
SNIPPET_CHARS = 220
MAX_QUERY_CHARS = 200
PER_PAGE = 20


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Facet:
    key: str
    label: str
    values: list[FacetValue]


@dataclass(frozen=True)
class Hit:
    page: LessonPage | PilotPage
    kind: str
    title_html: SafeString
    snippet_html: SafeString


@dataclass
class KnowledgeSearch:
    query: str
    selected: dict[str, list[str]]
    hits: list[Hit] = field(default_factory=list)
    facets: list[Facet] = field(default_factory=list)
    total: int = 0
    page: int = 1
    per_page: int = PER_PAGE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def is_filtered(self) -> bool:
        return bool(self.query or any(self.selected.values()))


def clean_selection(params: Mapping[str, Any]) -> dict[str, list[str]]:
    """The facet selection from a QueryDict (or dict of lists), limited to known keys and short values."""
    selected: dict[str, list[str]] = {}
    for key in FACET_KEYS:
        getter = getattr(params, "getlist", None)
        raw = getter(key) if getter else params.get(key, [])
        if isinstance(raw, str):
            raw = [raw]
        values = sorted({str(v).strip()[:60] for v in raw if str(v).strip()})[:20]
        if values:
            selected[key] = values
    return selected


def query_terms(query: str) -> list[str]:
    return [t for t in re.findall(r"\w+", query.lower()) if len(t) > 1][:10]


def highlight(text: str, terms: Sequence[str]) -> SafeString:
    """Escape text and wrap each occurrence of a term (as a word prefix) in <mark>."""
    escaped = str(escape(text))
    if not terms:
        return mark_safe(escaped)  # noqa: S308  (escaped above)
    pattern = re.compile(r"\b(" + "|".join(re.escape(str(escape(t))) for t in terms) + r")", re.IGNORECASE)
    return mark_safe(pattern.sub(r"<mark>\1</mark>", escaped))  # noqa: S308  (escaped above; only <mark> added)


def snippet(text: str, terms: Sequence[str], length: int = SNIPPET_CHARS) -> str:
    """A window of the text around the first matching term (or its beginning)."""
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) <= length:
        return text
    start = 0
    lowered = text.lower()
    positions = [p for p in (lowered.find(t) for t in terms) if p >= 0]
    if positions:
        start = max(0, min(positions) - length // 4)
        space = text.rfind(" ", 0, start)
        start = space + 1 if start and space >= 0 else start
    piece = text[start : start + length]
    end_space = piece.rfind(" ")
    if start + length < len(text) and end_space > length // 2:
        piece = piece[:end_space]
    return ("… " if start else "") + piece + (" …" if start + len(piece) < len(text) else "")


def _lesson_base() -> QuerySet[LessonPage]:
    return LessonPage.objects.live().public()


def _pilot_base() -> QuerySet[PilotPage]:
    return PilotPage.objects.live().public()


def _filter(qs: QuerySet[Any], lookups: Mapping[str, str | None], selected: Mapping[str, list[str]]) -> QuerySet[Any]:
    for key, values in selected.items():
        if key == "type":
            continue
        lookup = lookups.get(key)
        if lookup is None:
            return qs.none()
        qs = qs.filter(Q(**{lookup: values}))
    return qs


def _ranked(model: type[LessonPage] | type[PilotPage], ids: set[int], query: str) -> list[tuple[int, float]]:
    """(pk, score) of the pages among ids that match query, best first; all of ids in title order without one."""
    if not ids:
        return []
    if not query:
        pks = model.objects.filter(pk__in=ids).order_by("title").values_list("pk", flat=True)
        return [(pk, 0.0) for pk in pks]
    results = model.objects.live().search(query, operator="and").annotate_score("_score")
    return [(page.pk, float(getattr(page, "_score", 0.0) or 0.0)) for page in results if page.pk in ids]


def _text_of(page: LessonPage | PilotPage) -> str:
    if isinstance(page, LessonPage):
        return page.plain_text()
    parts = [page.summary_en, page.aim, page.approach, page.results, page.search_description]
    return re.sub(r"\s+", " ", strip_tags(" ".join(p or "" for p in parts))).strip()


def _count(values: Iterable[Any]) -> Counter[Any]:
    return Counter(v for v in values if v not in (None, ""))


def _facet_counts(lesson_ids: list[int], pilot_ids: list[int]) -> dict[str, Counter[Any]]:
    through = LessonPage.sectors.through
    counts: dict[str, Counter[Any]] = {
        "type": Counter({"lesson": len(lesson_ids), "pilot": len(pilot_ids)}),
        "sector": _count(through.objects.filter(lessonpage_id__in=lesson_ids).values_list("sector__slug", flat=True))
        + _count(PilotPage.objects.filter(pk__in=pilot_ids).values_list("sector__slug", flat=True)),
        "region": _count(
            LessonPage.regions.through.objects.filter(lessonpage_id__in=lesson_ids).values_list(
                "region__slug", flat=True
            )
        )
        + _count(PilotPage.objects.filter(pk__in=pilot_ids).values_list("region__slug", flat=True)),
        "kind": _count(
            LessonPage.community_kinds.through.objects.filter(lessonpage_id__in=lesson_ids).values_list(
                "communitykind__code", flat=True
            )
        )
        + _count(PilotPage.objects.filter(pk__in=pilot_ids).values_list("community_kind", flat=True)),
        "leerfunctie": _count(LessonPage.objects.filter(pk__in=lesson_ids).values_list("leerfunctie", flat=True)),
        "factor": _count(
            LessonPage.success_factors.through.objects.filter(lessonpage_id__in=lesson_ids).values_list(
                "successfactor__code", flat=True
            )
        ),
        "theme": _count(
            LessonPage.themes.through.objects.filter(lessonpage_id__in=lesson_ids).values_list(
                "themepage__slug", flat=True
            )
        ),
    }
    return counts


def _labels() -> dict[str, dict[str, str]]:
    return {
        "type": {k: str(v) for k, v in TYPE_LABELS.items()},
        "sector": dict(Sector.objects.values_list("slug", "name")),
        "region": dict(Region.objects.values_list("slug", "name")),
        "kind": {k: str(v) for k, v in CommunityKindChoice.choices},
        "leerfunctie": {k: str(v) for k, v in Leerfunctie.choices},
        "factor": {k: str(v) for k, v in SuccessFactorChoice.choices},
        "theme": dict(ThemePage.objects.live().values_list("slug", "title")),
    }


def search_knowledge(
    *, query: str = "", selected: Mapping[str, list[str]] | None = None, page: int = 1, per_page: int = PER_PAGE
) -> KnowledgeSearch:
    """Live, public lessons and pilots matching query and the selected facet values, with facet counts
    over all matches and the hits of one page."""
    query = " ".join(query.split())[:MAX_QUERY_CHARS]
    chosen = {k: list(v) for k, v in (selected or {}).items() if k in FACET_KEYS and v}
    types = set(chosen.get("type", [])) or {"lesson", "pilot"}

    lesson_ids: set[int] = set()
    pilot_ids: set[int] = set()
    if "lesson" in types:
        lesson_ids = set(_filter(_lesson_base(), LESSON_LOOKUPS, chosen).values_list("pk", flat=True))
    if "pilot" in types:
        pilot_ids = set(_filter(_pilot_base(), PILOT_LOOKUPS, chosen).values_list("pk", flat=True))

    ranked = [("lesson", pk, s) for pk, s in _ranked(LessonPage, lesson_ids, query)] + [
        ("pilot", pk, s) for pk, s in _ranked(PilotPage, pilot_ids, query)
    ]
    if query:
        ranked.sort(key=lambda item: -item[2])  # stable: lessons before pilots on equal scores
    pages = max(1, -(-len(ranked) // per_page))
    page = min(max(1, page), pages)
    shown = ranked[(page - 1) * per_page : page * per_page]
    lessons = LessonPage.objects.in_bulk([pk for kind, pk, _s in shown if kind == "lesson"])
    pilots = PilotPage.objects.select_related("sector", "region").in_bulk(
        [pk for kind, pk, _s in shown if kind == "pilot"]
    )
    terms = query_terms(query)
    result = KnowledgeSearch(query=query, selected=chosen, total=len(ranked), page=page, per_page=per_page)
    for kind, pk, _score in shown:
        item: LessonPage | PilotPage = lessons[pk] if kind == "lesson" else pilots[pk]
        result.hits.append(
            Hit(
                page=item,
                kind=kind,
                title_html=highlight(item.title, terms),
                snippet_html=highlight(snippet(_text_of(item), terms), terms),
            )
        )

    counts = _facet_counts(
        [pk for kind, pk, _s in ranked if kind == "lesson"], [pk for kind, pk, _s in ranked if kind == "pilot"]
    )
    labels = _labels()
    for key in FACET_KEYS:
        chosen_values = set(chosen.get(key, []))
        values = [
            FacetValue(value=v, label=labels[key].get(v, v), count=n, selected=v in chosen_values)
            for v, n in counts[key].items()
            if n > 0 or v in chosen_values
        ]
        values += [
            FacetValue(value=v, label=labels[key].get(v, v), count=0, selected=True)
            for v in chosen_values
            if v not in counts[key]
        ]
        values.sort(key=lambda fv: (-fv.count, fv.label.lower()))
        result.facets.append(Facet(key=key, label=str(FACET_LABELS[key]), values=values))
    return result


# --- Links with the forum -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TopicLessonStatus:
    """What a forum topic shows about the lesson promoted from it."""

    state: str  # "drafting" or "published"
    title: str
    url: str


def lesson_status_for_topic(*, topic: Any) -> TopicLessonStatus | None:
    lesson = LessonPage.objects.filter(origin_topic=topic).order_by("pk").first()
    if lesson is None:
        return None
    if lesson.live and lesson.url:
        return TopicLessonStatus(state="published", title=lesson.title, url=lesson.url)
    return TopicLessonStatus(state="drafting", title=lesson.get_latest_revision_as_object().title, url="")


@dataclass(frozen=True)
class LessonDiscussion:
    topic: Any
    can_read: bool
    messages: list[Any]


def lesson_discussion(*, user: Any, lesson: LessonPage, limit: int = 5) -> LessonDiscussion:
    """The lesson's discussion topic and, for those who may read its room, its latest messages."""
    from forum import permissions as forum_permissions
    from forum import selectors as forum_selectors

    topic = lesson.discussion_topic if lesson.discussion_topic_id else None
    if topic is None:
        return LessonDiscussion(topic=None, can_read=False, messages=[])
    can_read = forum_permissions.can_read_room(user, topic.room)
    messages = forum_selectors.latest_messages(topic=topic, limit=limit) if can_read else []
    return LessonDiscussion(topic=topic, can_read=can_read, messages=messages)
