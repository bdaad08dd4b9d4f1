from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


@pytest.fixture
def kb_tree(db: None) -> Any:
    from knowledge_base.services import ensure_knowledge_tree

    return ensure_knowledge_tree()


HOE = [{"type": "paragraph", "value": "<p>Begin met een gesprek over de waaromvraag.</p>"}]


@pytest.fixture
def make_lesson(kb_tree: Any) -> Callable[..., Any]:
    """A lesson under the lessons index; complete (publishable) unless told otherwise."""
    from knowledge_base.models import LessonPage, LessonSource, Source

    counter = {"n": 0}

    def make(
        title: str = "",
        *,
        publish: bool = True,
        complete: bool = True,
        source: bool = True,
        sectors: list[Any] | None = None,
        regions: list[Any] | None = None,
        kinds: list[Any] | None = None,
        factors: list[Any] | None = None,
        themes: list[Any] | None = None,
        **fields: Any,
    ) -> LessonPage:
        counter["n"] += 1
        lesson = LessonPage(title=title or f"Les {counter['n']}", live=False, **fields)
        if complete:
            lesson.waarom = lesson.waarom or "<p>Zonder gedeeld doel valt de samenwerking uiteen.</p>"
            lesson.hoe = lesson.hoe or HOE
            lesson.waartoe = lesson.waartoe or "<p>Partners investeren samen.</p>"
        if source:
            src, _ = Source.objects.get_or_create(title="Investeringsagenda learning communities", year=2018)
            lesson.sources.add(LessonSource(source=src))
        kb_tree.lessons.add_child(instance=lesson)
        for name, values in (
            ("sectors", sectors),
            ("regions", regions),
            ("community_kinds", kinds),
            ("success_factors", factors),
            ("themes", themes),
        ):
            if values:
                getattr(lesson, name).set(values)
        revision = lesson.save_revision()
        if publish:
            revision.publish()
        lesson.refresh_from_db()
        return lesson

    return make
