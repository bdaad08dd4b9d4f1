"""Reads for the knowledge base: faceted search over live lessons and pilots.

Filtering is done in the ORM (it handles the many-to-many taxonomy), the full-text match and ranking
by Wagtail's search backend (the database backend: SQLite FTS locally, PostgreSQL full-text search when
DATABASE_URL points at PostgreSQL). Facet counts are computed over the current result set: within one
facet the selected values are combined with OR, across facets with AND.

Nothing scales with the number of matches in Python: the matches stay a database query (filters, full-text
match and score), which is counted, sliced to one page of hits and grouped for the facet counts (GROUP BY,
one UNION ALL query for all facets). A search costs the same small number of queries at any size.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import CharField, Count, F, FloatField, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from accounts.models import Region, Sector
from core.compiled import CompiledQuery
from forum.models import Membership, MembershipState, Role
from knowledge_base.models import (
    CommunityKindChoice,
    Leerfunctie,
    LessonPage,
    LessonProposal,
    PilotPage,
    ProposalStatus,
    SuccessFactorChoice,
    ThemeFollow,
    ThemePage,
)
from knowledge_base.permissions import is_editor
from knowledge_base.search.dutch import query_stems
from notifications.models import Notification

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
# How each facet filters pilots; None: pilots carry no such value, so a filter on it excludes them.
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
INDEX_PER_PAGE = 12  # cards on the lessons index


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
    sort: str = "relevance"

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
        values = sorted({str(v).strip()[:60] for v in raw if str(v).strip() and "\x00" not in str(v)})[:20]
        if values:
            selected[key] = values
    return selected


def query_terms(query: str) -> list[str]:
    """The words to highlight: their Dutch stems, so "mentoren" marks "mentor" and "mentoren" alike."""
    return [t for t in query_stems(query) if len(t) > 1][:10]


def highlight(text: str, terms: Sequence[str]) -> SafeString:
    """Escape text and wrap each word that starts with a term in <mark>."""
    escaped = str(escape(text))
    if not terms:
        return mark_safe(escaped)  # noqa: S308  (escaped above)
    # The whole word that starts with a term (a stem): "warmtepomp" marks "warmtepompen".
    pattern = re.compile(r"\b((?:" + "|".join(re.escape(str(escape(t))) for t in terms) + r")\w*)", re.IGNORECASE)
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


# Lesson facets that go through a many-to-many table: (through model, its column to the lesson, the value).
LESSON_M2M_FACETS: dict[str, tuple[Any, str, str]] = {
    "sector": (LessonPage.sectors.through, "lessonpage_id", "sector__slug"),
    "region": (LessonPage.regions.through, "lessonpage_id", "region__slug"),
    "kind": (LessonPage.community_kinds.through, "lessonpage_id", "communitykind__code"),
    "factor": (LessonPage.success_factors.through, "lessonpage_id", "successfactor__code"),
    "theme": (LessonPage.themes.through, "lessonpage_id", "themepage__slug"),
}
PILOT_FACET_FIELDS = {"sector": "sector__slug", "region": "region__slug", "kind": "community_kind"}


def _filter_lessons(qs: QuerySet[LessonPage], selected: Mapping[str, list[str]]) -> QuerySet[LessonPage]:
    """AND across facets, OR within one. Many-to-many facets filter with a subquery (pk IN …), not a join, so
    a lesson that carries two of the selected values is still one row."""
    for key, values in selected.items():
        if key == "type":
            continue
        if key in LESSON_M2M_FACETS:
            through, column, value = LESSON_M2M_FACETS[key]
            qs = qs.filter(pk__in=through.objects.filter(**{f"{value}__in": values}).values(column))
        elif key == "leerfunctie":
            qs = qs.filter(leerfunctie__in=values)
    return qs


def _filter_pilots(qs: QuerySet[PilotPage], selected: Mapping[str, list[str]]) -> QuerySet[PilotPage]:
    for key, values in selected.items():
        if key == "type":
            continue
        lookup = PILOT_LOOKUPS.get(key)
        if lookup is None:  # pilots carry no such value: a filter on it leaves no pilot
            return qs.none()
        qs = qs.filter(Q(**{lookup: values}))
    return qs


def _better_scores_are_higher() -> bool:
    """PostgreSQL's ts_rank grows with relevance; SQLite's FTS5 bm25() is lower (more negative) for better
    matches, and Wagtail's SQLite backend orders by it ascending."""
    return connection.vendor != "sqlite"


SORTS = {"relevance": _("Best match"), "title": _("Title (A–Z)"), "newest": _("Newest first")}


def clean_sort(value: str, *, query: str) -> str:
    """A known sort; without a query "relevance" means title order."""
    if value not in SORTS or (value == "relevance" and not query):
        return "relevance" if query else "title"
    return value


def _matching(
    model: type[LessonPage] | type[PilotPage], query: str, private: Q, sort: str = "relevance"
) -> QuerySet[Any]:
    """The live pages of model outside the private sections ``private`` (Wagtail's ``private_q()``) that
    match query, as a database query annotated with ``_score`` and ordered best first (title order and a
    zero score without a query). Nothing is loaded: callers filter, count, slice and group it."""
    order = ("-first_published_at", "pk") if sort == "newest" else ("title", "pk")
    if not query:
        qs = model.objects.live().annotate(_score=Value(0.0, output_field=FloatField())).order_by(*order)
        return qs.exclude(private)
    results = model.objects.live().search(query, operator="and").annotate_score("_score")
    # Both of Wagtail's database backends (SQLite FTS5, PostgreSQL full-text) build the search as a Django
    # queryset; ``get_queryset()`` hands it over unevaluated so the facet filters, counts and slices below
    # run in the same SQL instead of loading every match into Python.
    matches = results.get_queryset().exclude(private)
    return matches if sort == "relevance" else matches.order_by(*order)


def _top(matches: QuerySet[Any], kind: str, n: int) -> list[tuple[str, Any, float]]:
    """The best n matches as (kind, page, score), in two queries whatever the number of matches: the order
    over narrow rows (ids and scores), then those pages. Sorting the full rows was 3× slower at 10,000."""
    best = list(matches.values_list("pk", "_score")[:n])
    # With their images and renditions: a card's picture costs no query of its own.
    pages = (
        matches.model.objects.select_related("image")
        .prefetch_related("image__renditions")
        .in_bulk([pk for pk, _score in best])
    )
    return [(kind, pages[pk], float(score or 0.0)) for pk, score in best if pk in pages]


def _text_of(page: LessonPage | PilotPage) -> str:
    if isinstance(page, LessonPage):
        return page.plain_text()
    parts = [page.search_description, page.aim, page.approach, page.results]
    return re.sub(r"\s+", " ", strip_tags(" ".join(p or "" for p in parts))).strip()


def _grouped(model: Any, key: str, value: str, page_column: str, matches: str) -> QuerySet[Any]:
    """(key, value, number of matching pages) per non-empty value of one facet, as a GROUP BY query over the
    pages in the CTE named ``matches``."""
    return (
        model.objects.filter(**{f"{page_column}__in": RawSQL(f"SELECT pk FROM {matches}", [])})  # noqa: S608, S611
        .exclude(**{f"{value}__isnull": True})
        .exclude(**{value: ""})
        .values(facet_value=F(value))
        .annotate(facet_key=Value(key, output_field=CharField()), n=Count("*"))
        .values_list("facet_key", "facet_value", "n")
        .order_by()
    )


def _lesson_facets(matches: str) -> list[QuerySet[Any]]:
    # leerfunctie is a column of the lesson itself: it is grouped straight from the CTE (see _facet_counts).
    return [
        _grouped(through, key, value, column, matches) for key, (through, column, value) in LESSON_M2M_FACETS.items()
    ]


def _pilot_facets(matches: str) -> list[QuerySet[Any]]:
    return [_grouped(PilotPage, key, value, "pk", matches) for key, value in PILOT_FACET_FIELDS.items()]


def _facet_counts(lessons: QuerySet[LessonPage] | None, pilots: QuerySet[PilotPage] | None) -> dict[str, Counter[str]]:
    """Facet value → number of matching pages (None: that type is not searched), with the number of matches per
    type under "type", counted by the database in one statement: the matches (filters and full-text match) are
    a materialised CTE, computed once rather than once per facet, and each facet is a GROUP BY over the
    pages in it. Empty values are not counted.

    Raw SQL only to put ORM-built parts together (Django has no CTEs); every part and parameter comes from
    the ORM."""
    ctes: list[str] = []
    params: list[Any] = []
    parts: list[QuerySet[Any]] = []
    direct: list[str] = []
    for kind, name, matches, facets in (
        ("lesson", "kb_lesson_matches", lessons, _lesson_facets),
        ("pilot", "kb_pilot_matches", pilots, _pilot_facets),
    ):
        if matches is None:
            continue
        columns = ["pk", "leerfunctie"] if kind == "lesson" else ["pk"]
        try:
            match_sql, match_params = matches.order_by().values(*columns).query.sql_with_params()
        except EmptyResultSet:  # e.g. pilots under a facet they do not carry (qs.none())
            continue
        ctes.append(f"{name} AS MATERIALIZED ({match_sql})")
        params += match_params
        parts += facets(name)
        # Fixed names, no input:
        direct.append(f"SELECT 'type', '{kind}', COUNT(*) FROM {name}")  # noqa: S608
        if kind == "lesson":
            direct.append(
                f"SELECT 'leerfunctie', leerfunctie, COUNT(*) FROM {name} "  # noqa: S608
                "WHERE leerfunctie <> '' GROUP BY leerfunctie"
            )
    counts: dict[str, Counter[str]] = {key: Counter() for key in FACET_KEYS}
    if not parts:
        return counts
    facets_sql, facets_params = parts[0].union(*parts[1:], all=True).query.sql_with_params()
    sql = f"WITH {', '.join(ctes)} {facets_sql} UNION ALL {' UNION ALL '.join(direct)}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *facets_params])
        for key, value, n in cursor.fetchall():
            counts[key][str(value)] += n
    return counts


# Sector, region and theme names for the facets: three queries on every search for lists that change a
# few times a year. Kept per process for at most TAXONOMY_SECONDS, and dropped at once in this process
# when one of them is saved or deleted (knowledge_base.apps connects the signals); another process
# sees a rename within TAXONOMY_SECONDS. Not in the shared cache: a Redis outage must not break search.
TAXONOMY_SECONDS = 60.0
_taxonomy: tuple[float, dict[str, dict[str, str]]] | None = None


def forget_taxonomy_labels(**_kwargs: Any) -> None:
    global _taxonomy
    _taxonomy = None


def _taxonomy_labels() -> dict[str, dict[str, str]]:
    global _taxonomy
    now = time.monotonic()
    if _taxonomy is None or now - _taxonomy[0] > TAXONOMY_SECONDS:
        labels = {
            "sector": dict(Sector.objects.values_list("slug", "name")),
            "region": dict(Region.objects.values_list("slug", "name")),
            "theme": dict(ThemePage.objects.live().values_list("slug", "title")),
        }
        _taxonomy = (now, labels)
    return _taxonomy[1]


def _labels() -> dict[str, dict[str, str]]:
    # The choices' labels are translated per request: not cached.
    return {
        "type": {k: str(v) for k, v in TYPE_LABELS.items()},
        "kind": {k: str(v) for k, v in CommunityKindChoice.choices},
        "leerfunctie": {k: str(v) for k, v in Leerfunctie.choices},
        "factor": {k: str(v) for k, v in SuccessFactorChoice.choices},
        **_taxonomy_labels(),
    }


def search_knowledge(
    *,
    query: str = "",
    selected: Mapping[str, list[str]] | None = None,
    page: int = 1,
    per_page: int = PER_PAGE,
    sort: str = "relevance",
) -> KnowledgeSearch:
    """Live, public lessons and pilots matching query and the selected facet values, with facet counts
    over all matches and the hits of one page, best match first (or by title, or newest first)."""
    query = " ".join(query.split())[:MAX_QUERY_CHARS]
    sort = clean_sort(sort, query=query)
    chosen = {k: list(v) for k, v in (selected or {}).items() if k in FACET_KEYS and v}
    types = set(chosen.get("type", [])) or {"lesson", "pilot"}

    private = Page.objects.all().private_q()  # one lookup of the view restrictions for both types
    lessons = _filter_lessons(_matching(LessonPage, query, private, sort), chosen) if "lesson" in types else None
    pilots = _filter_pilots(_matching(PilotPage, query, private, sort), chosen) if "pilot" in types else None
    counts = _facet_counts(lessons, pilots)
    n_lessons, n_pilots = counts["type"]["lesson"], counts["type"]["pilot"]
    total = n_lessons + n_pilots
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)

    # The page's hits: the best page*per_page of each type, merged. Without a query,
    # lessons in title order come first, then pilots.
    wanted = page * per_page
    ranked: list[tuple[str, Any, float]] = []
    if lessons is not None and n_lessons:
        ranked += _top(lessons, "lesson", wanted)
    if pilots is not None and n_pilots:
        ranked += _top(pilots, "pilot", wanted)
    if query and sort == "relevance":
        sign = -1.0 if _better_scores_are_higher() else 1.0
        ranked.sort(key=lambda hit: sign * hit[2])  # stable: lessons before pilots on equal scores
    elif sort == "newest" and lessons is not None and pilots is not None:
        ranked.sort(key=lambda hit: hit[1].first_published_at.timestamp() * -1 if hit[1].first_published_at else 0)
    elif query and lessons is not None and pilots is not None:
        ranked.sort(key=lambda hit: hit[1].title.lower())
    terms = query_terms(query)
    result = KnowledgeSearch(query=query, selected=chosen, total=total, page=page, per_page=per_page, sort=sort)
    for kind, item, _score in ranked[(page - 1) * per_page : wanted]:
        result.hits.append(
            Hit(
                page=item,
                kind=kind,
                title_html=highlight(item.title, terms),
                snippet_html=highlight(snippet(_text_of(item), terms), terms),
            )
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


def _topic_lesson_query(topic: int) -> QuerySet[Any, Any]:
    return LessonPage.objects.filter(origin_topic=topic).order_by("pk").values_list("pk")[:1]


# Every topic page asks; nearly every answer is "none": compiled once, and the page only when there is one.
_TOPIC_LESSON = CompiledQuery(_topic_lesson_query, "topic")


def lesson_status_for_topic(*, topic: Any) -> TopicLessonStatus | None:
    found = _TOPIC_LESSON.rows(topic=topic.pk)
    if not found:
        return None
    lesson = LessonPage.objects.get(pk=found[0][0])
    if lesson.live and lesson.url:
        return TopicLessonStatus(state="published", title=lesson.title, url=lesson.url)
    return TopicLessonStatus(state="drafting", title=lesson.get_latest_revision_as_object().title, url="")


PROMOTED_DRAFTS_SHOWN = 10


def promoted_drafts(*, user: Any, limit: int = PROMOTED_DRAFTS_SHOWN) -> list[LessonPage]:
    """Unpublished lessons promoted from a conversation that user may edit, newest first (one query for the
    lessons with their topic and community, one for the page permissions)."""
    drafts = list(
        LessonPage.objects.filter(live=False, origin_topic__isnull=False)
        .select_related("origin_topic", "origin_community")
        .order_by("-pk")[: limit * 2]
    )
    editable = [lesson for lesson in drafts if lesson.permissions_for_user(user).can_edit()]
    return editable[:limit]


PROPOSALS_PER_PAGE = 20


def open_proposals(*, user: Any, page: int = 1) -> tuple[list[LessonProposal], bool]:
    """Pending proposals user may decide, oldest first: all for editors, else those in communities user
    facilitates. One page (and whether there is a next one), in one query."""
    qs = LessonProposal.objects.filter(status=ProposalStatus.PENDING)
    if not is_editor(actor=user) and not getattr(user, "is_superuser", False):
        led = Membership.objects.filter(
            user=user, state=MembershipState.ACTIVE, role__in=[Role.FACILITATOR, Role.OWNER]
        ).values("community_id")
        qs = qs.filter(topic__room__community_id__in=led)
    start = (max(1, page) - 1) * PROPOSALS_PER_PAGE
    rows = list(
        qs.select_related("topic__room__community", "proposer").order_by("created_at", "pk")[
            start : start + PROPOSALS_PER_PAGE + 1
        ]
    )
    return rows[:PROPOSALS_PER_PAGE], len(rows) > PROPOSALS_PER_PAGE


# --- Following a theme -------------------------------------------------------------------


def follows_theme(*, user: Any, theme: ThemePage) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return ThemeFollow.objects.filter(user=user, theme=theme).exists()


def lesson_followers(*, lesson: LessonPage, ref: str) -> dict[int, ThemePage]:
    """Active members who follow a live theme of ``lesson`` and were not told of it yet (no
    notification with ``ref``), each with the (first) theme they follow it for. One query."""
    follows = (
        ThemeFollow.objects.filter(theme__in=lesson.themes.all(), theme__live=True, user__is_active=True)
        .exclude(user__in=Notification.objects.filter(ref=ref).values("user"))
        .select_related("theme")
        .order_by("theme__title", "pk")
    )
    result: dict[int, ThemePage] = {}
    for follow in follows:
        result.setdefault(follow.user_id, follow.theme)
    return result
