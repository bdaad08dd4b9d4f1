"""Faceted search on a known data set: counts per facet, highlighting, drafts excluded, empty state."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.models import Region, Sector
from knowledge_base.models import CommunityKind, PilotPage, SuccessFactor, ThemePage
from knowledge_base.selectors import highlight, search_knowledge, snippet

pytestmark = pytest.mark.django_db


@pytest.fixture
def dataset(kb_tree: Any, make_lesson: Any) -> dict[str, Any]:
    energie = Sector.objects.get(name="Energie")
    logistiek = Sector.objects.get(name="Logistiek")
    groningen = Region.objects.get(name="Groningen")
    zh = Region.objects.get(name="Zuid-Holland")
    fieldlab = CommunityKind.objects.get(code="fieldlab")
    kenniskring = CommunityKind.objects.get(code="kenniskring")
    hybrid = SuccessFactor.objects.get(code="hybrid_learning")
    mentoring = SuccessFactor.objects.get(code="two_way_mentoring")
    theme = ThemePage(title="Energietransitie", slug="energietransitie")
    kb_tree.home.add_child(instance=theme)
    theme.save_revision().publish()

    pilot = PilotPage(
        title="Energie Transitie Huis",
        sector=energie,
        region=zh,
        community_kind="campus",
        aim="<p>Installateurs leren samen met studenten over warmtepompen.</p>",
    )
    kb_tree.pilots.add_child(instance=pilot)
    pilot.save_revision().publish()

    lessons = [
        make_lesson(
            "Leer samen met installateurs over warmtepompen",
            intro="<p>Warmtepompen vragen nieuwe vaardigheden.</p>",
            leerfunctie="reactief",
            sectors=[energie],
            regions=[zh],
            kinds=[fieldlab],
            factors=[hybrid],
            themes=[theme],
        ),
        make_lesson(
            "Koppel jong en ervaren in de warmtetransitie",
            intro="<p>Tweerichtingsverkeer tussen generaties.</p>",
            leerfunctie="proactief",
            sectors=[energie],
            regions=[groningen],
            kinds=[kenniskring],
            factors=[mentoring, hybrid],
            themes=[theme],
        ),
        make_lesson(
            "Organiseer een leerhuis in de haven",
            intro="<p>Logistieke bedrijven delen een leerhuis.</p>",
            leerfunctie="reactief",
            sectors=[logistiek],
            regions=[zh],
            kinds=[fieldlab],
            factors=[hybrid],
        ),
    ]
    # A draft that would match everything: it must never show up or be counted.
    make_lesson(
        "Concept over warmtepompen",
        publish=False,
        sectors=[energie],
        regions=[zh],
        kinds=[fieldlab],
        factors=[hybrid],
        intro="<p>Warmtepompen.</p>",
    )
    return {"pilot": pilot, "lessons": lessons, "theme": theme}


def _facet(result: Any, key: str) -> dict[str, int]:
    facet = next(f for f in result.facets if f.key == key)
    return {v.value: v.count for v in facet.values}


def test_facet_counts_without_query(dataset: dict[str, Any]) -> None:
    result = search_knowledge()
    assert result.total == 4
    assert _facet(result, "type") == {"lesson": 3, "pilot": 1}
    assert _facet(result, "sector") == {"energie": 3, "logistiek": 1}
    assert _facet(result, "region") == {"zuid-holland": 3, "groningen": 1}
    assert _facet(result, "kind") == {"fieldlab": 2, "kenniskring": 1, "campus": 1}
    assert _facet(result, "leerfunctie") == {"reactief": 2, "proactief": 1}
    assert _facet(result, "factor") == {"hybrid_learning": 3, "two_way_mentoring": 1}
    assert _facet(result, "theme") == {"energietransitie": 2}


def test_facet_selection_narrows_and_recounts(dataset: dict[str, Any]) -> None:
    result = search_knowledge(selected={"sector": ["energie"], "region": ["zuid-holland"]})
    titles = {hit.page.title for hit in result.hits}
    assert titles == {"Leer samen met installateurs over warmtepompen", "Energie Transitie Huis"}
    assert _facet(result, "type") == {"lesson": 1, "pilot": 1}
    assert _facet(result, "factor") == {"hybrid_learning": 1}
    # A facet pilots do not carry excludes them.
    result = search_knowledge(selected={"factor": ["two_way_mentoring"]})
    assert [hit.page.title for hit in result.hits] == ["Koppel jong en ervaren in de warmtetransitie"]
    # OR within one facet.
    result = search_knowledge(selected={"region": ["groningen", "zuid-holland"], "type": ["lesson"]})
    assert result.total == 3


def test_query_with_facet_and_highlight(dataset: dict[str, Any]) -> None:
    result = search_knowledge(query="warmtepompen")
    titles = [hit.page.title for hit in result.hits]
    assert "Concept over warmtepompen" not in titles
    assert set(titles) == {"Leer samen met installateurs over warmtepompen", "Energie Transitie Huis"}
    assert _facet(result, "type") == {"lesson": 1, "pilot": 1}
    lesson_hit = next(h for h in result.hits if h.kind == "lesson")
    assert "<mark>warmtepompen</mark>" in lesson_hit.title_html
    assert "<mark>Warmtepompen</mark>" in lesson_hit.snippet_html
    result = search_knowledge(query="warmtepompen", selected={"type": ["pilot"]})
    assert [h.page.title for h in result.hits] == ["Energie Transitie Huis"]


def test_highlight_escapes_html() -> None:
    assert highlight("<b>leer</b> samen", ["leer"]) == "&lt;b&gt;<mark>leer</mark>&lt;/b&gt; samen"
    assert highlight("a < b", ["<script>"]) == "a &lt; b"
    assert snippet("kort", ["x"]) == "kort"


def test_search_page_renders_facets_counts_and_empty_state(dataset: dict[str, Any], client: Any) -> None:
    response = client.get("/kennisbank/zoeken/", {"q": "warmtepompen", "sector": "energie"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<mark>warmtepompen</mark>" in body
    assert 'name="sector" value="energie"' in body
    assert "Concept over warmtepompen" not in body
    response = client.get("/kennisbank/zoeken/", {"q": "onvindbaarwoord"})
    assert response.status_code == 200
    assert 'class="empty-state"' in response.content.decode()
    assert "Content-Security-Policy" in response.headers


def test_api_lists_only_live_lessons_and_filters_on_taxonomy(dataset: dict[str, Any], client: Any) -> None:
    response = client.get("/api/v2/lessons/")
    assert response.status_code == 200
    titles = {item["title"] for item in response.json()["items"]}
    assert len(titles) == 3
    assert "Concept over warmtepompen" not in titles
    response = client.get("/api/v2/lessons/", {"sector": "energie", "factor": "two_way_mentoring"})
    assert [i["title"] for i in response.json()["items"]] == ["Koppel jong en ervaren in de warmtetransitie"]
    response = client.get("/api/v2/lessons/", {"region": "groningen,zuid-holland", "leerfunctie": "reactief"})
    assert response.json()["meta"]["total_count"] == 2
    response = client.get("/api/v2/pilots/", {"sector": "energie"})
    assert [i["title"] for i in response.json()["items"]] == ["Energie Transitie Huis"]
    assert response.json()["items"][0]["sector_slug"] == "energie"


def test_api_hides_drafts_in_detail(dataset: dict[str, Any], make_lesson: Any, client: Any) -> None:
    from knowledge_base.models import LessonPage

    draft = LessonPage.objects.get(title="Concept over warmtepompen")
    assert client.get(f"/api/v2/lessons/{draft.pk}/").status_code == 404
    live = dataset["lessons"][0]
    detail = client.get(f"/api/v2/lessons/{live.pk}/").json()
    assert detail["title"] == live.title
    assert detail["sector_slugs"] == ["energie"]
    assert detail["success_factor_codes"] == ["hybrid_learning"]


def test_pagination_keeps_facet_counts_over_all_results(dataset: dict[str, Any], client: Any) -> None:
    first = search_knowledge(per_page=3)
    second = search_knowledge(per_page=3, page=2)
    assert first.total == second.total == 4
    assert (first.pages, len(first.hits), len(second.hits)) == (2, 3, 1)
    assert _facet(second, "type") == {"lesson": 3, "pilot": 1}
    assert {h.page.pk for h in first.hits}.isdisjoint({h.page.pk for h in second.hits})
    assert search_knowledge(per_page=3, page=99).page == 2
    assert client.get("/kennisbank/zoeken/", {"page": "x"}).status_code == 200


def test_a_lesson_with_several_selected_values_is_one_hit(dataset: dict[str, Any], make_lesson: Any) -> None:
    energie = Sector.objects.get(name="Energie")
    logistiek = Sector.objects.get(name="Logistiek")
    make_lesson("Deel een warmtenet met de haven", sectors=[energie, logistiek], leerfunctie="proactief")
    result = search_knowledge(selected={"sector": ["energie", "logistiek"], "type": ["lesson"]})
    titles = [hit.page.title for hit in result.hits]
    assert len(titles) == len(set(titles)) == result.total == 4
    assert _facet(result, "type") == {"lesson": 4}
    assert _facet(result, "sector") == {"energie": 3, "logistiek": 2}
    assert _facet(result, "leerfunctie") == {"reactief": 2, "proactief": 2}
    # A selected value without matches stays visible, with 0.
    result = search_knowledge(query="warmtenet", selected={"region": ["groningen"]})
    assert result.total == 0
    assert _facet(result, "region") == {"groningen": 0}


def test_facet_counts_follow_the_query(dataset: dict[str, Any]) -> None:
    result = search_knowledge(query="warmtepompen")
    assert _facet(result, "sector") == {"energie": 2}
    assert _facet(result, "region") == {"zuid-holland": 2}
    assert _facet(result, "kind") == {"fieldlab": 1, "campus": 1}
    assert _facet(result, "factor") == {"hybrid_learning": 1}
    assert _facet(result, "theme") == {"energietransitie": 1}


def _queries(fn: Any) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    fn()  # warm caches (site root paths, translations)
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


def test_search_queries_do_not_grow_with_the_number_of_lessons(
    dataset: dict[str, Any], make_lesson: Any, client: Any
) -> None:
    """Facet counts are GROUP BY queries and hits are one page: the number of queries stays the same."""
    energie = Sector.objects.get(name="Energie")
    zh = Region.objects.get(name="Zuid-Holland")
    hybrid = SuccessFactor.objects.get(code="hybrid_learning")

    def searches() -> list[int]:
        return [
            _queries(lambda: search_knowledge(query="warmtepompen", per_page=5)),
            _queries(lambda: search_knowledge(per_page=5)),
            _queries(lambda: search_knowledge(selected={"sector": ["energie"], "factor": ["hybrid_learning"]})),
            _queries(lambda: client.get("/kennisbank/zoeken/", {"q": "warmtepompen", "sector": "energie"})),
            _queries(lambda: client.get("/kennisbank/zoeken/", {"page": "2"})),
        ]

    small = searches()
    for n in range(12):
        make_lesson(
            f"Installeer warmtepompen met leerlingen, ronde {n}",
            intro="<p>Warmtepompen in de praktijk.</p>",
            leerfunctie="reactief",
            sectors=[energie],
            regions=[zh],
            factors=[hybrid],
            themes=[dataset["theme"]],
        )
    result = search_knowledge(query="warmtepompen", per_page=5)
    assert result.total == 14 and len(result.hits) == 5
    assert _facet(result, "sector") == {"energie": 14}
    assert searches() == small
    assert max(small) <= 20, small


def test_a_lesson_in_a_private_section_is_not_found_or_counted(dataset: dict[str, Any], kb_tree: Any) -> None:
    from wagtail.models import PageViewRestriction

    secret = dataset["lessons"][0]
    assert any(hit.page.pk == secret.pk for hit in search_knowledge(query="installateurs").hits)
    PageViewRestriction.objects.create(page=secret, restriction_type=PageViewRestriction.LOGIN)
    result = search_knowledge(query="warmtepompen")
    assert all(hit.page.pk != secret.pk for hit in result.hits)
    assert _facet(result, "type") == {"pilot": 1}  # only the pilot still matches
    assert all(hit.page.pk != secret.pk for hit in search_knowledge().hits)


def test_facet_labels_are_read_once_and_follow_a_rename(dataset: dict[str, Any]) -> None:
    """Sector, region and theme names are kept between searches; saving one shows at once."""
    warm = _queries(lambda: search_knowledge(query="warmtepompen"))
    search_knowledge(query="warmtepompen")
    from knowledge_base import selectors

    selectors.forget_taxonomy_labels()
    cold = _queries(lambda: (selectors.forget_taxonomy_labels(), search_knowledge(query="warmtepompen")))
    assert cold == warm + 3

    energie = Sector.objects.get(slug="energie")
    energie.name = "Energie en warmte"
    energie.save()
    facet = next(f for f in search_knowledge(query="warmtepompen").facets if f.key == "sector")
    assert [v.label for v in facet.values] == ["Energie en warmte"]
