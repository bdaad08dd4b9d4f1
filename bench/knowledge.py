"""Knowledge search: ``search_knowledge`` and the search page as the lesson count grows.

Lessons are Wagtail pages (tree paths, a revision, a search-index entry each), so they
are slow to create. Each run adds copies of the demo lessons (``knowledge_base.demo``)
for at most ``create_s`` seconds, published like an editor would, and measures search at
the count reached; runs accumulate towards 10,000 in the bench database.
"""

from __future__ import annotations

import time
from typing import Any

from bench.pages import _timed


def run(target: int, create_s: float, n: int, budget_s: float) -> dict[str, Any]:
    from django.test import Client

    from knowledge_base import demo
    from knowledge_base.models import LessonPage, LessonSource
    from knowledge_base.selectors import search_knowledge
    from knowledge_base.services import ensure_knowledge_tree

    started = time.monotonic()
    if not LessonPage.objects.exists():
        demo.seed(lambda _msg: None)
    tree = ensure_knowledge_tree()
    templates = list(LessonPage.objects.live().exclude(slug__startswith="bench-")[:20])
    have = LessonPage.objects.count()
    made = 0
    t0 = time.monotonic()
    end = t0 + create_s
    while have + made < target and time.monotonic() < end and templates:
        src = templates[made % len(templates)]
        i = have + made
        lesson = LessonPage(
            title=f"{src.title} ({i})",
            slug=f"bench-{i}",
            live=False,
            search_description=src.search_description,
            intro=src.intro,
            summary_en=src.summary_en,
            preconditions=src.preconditions,
            waarom=src.waarom,
            hoe=src.hoe,
            waartoe=src.waartoe,
            pitfalls=src.pitfalls,
            leerfunctie=src.leerfunctie,
            level=src.level,
            origin_pilot=src.origin_pilot,
            origin_community=src.origin_community,
        )
        for link in src.sources.all():
            lesson.sources.add(LessonSource(source=link.source))
        tree.lessons.add_child(instance=lesson)
        lesson.save_revision().publish()
        made += 1
    create_rate = made / max(1e-9, time.monotonic() - t0)
    total = LessonPage.objects.live().count()
    out: dict[str, Any] = {
        "lessons": total,
        "created_now": made,
        "create_per_s": round(create_rate, 1),
        "setup_s": round(time.monotonic() - started, 1),
    }
    if total < target and create_rate:
        out["minutes_to_target"] = round((target - total) / create_rate / 60, 1)
    client = Client(HTTP_HOST="127.0.0.1")

    def page(q: str) -> Any:
        def get() -> None:
            response = client.get("/kennisbank/zoeken/", {"q": q})
            assert response.status_code == 200, response.status_code

        return get

    out["search_selector"] = _timed(lambda: search_knowledge(query="vertrouwen samenwerking"), n, budget_s)
    out["search_selector_empty_query"] = _timed(lambda: search_knowledge(query=""), n, budget_s)
    out["search_page"] = _timed(page("vertrouwen samenwerking"), n, budget_s)
    return out
