from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import Site

from knowledge_base.models import KnowledgeHomePage, LessonPage, LessonSource, PilotPage, RelatedLesson, Source
from knowledge_base.services import ensure_knowledge_tree

pytestmark = pytest.mark.django_db


def test_tree_is_created_once_and_is_the_site_root(client: Any) -> None:
    first = ensure_knowledge_tree()
    second = ensure_knowledge_tree()
    assert first.home.pk == second.home.pk
    assert KnowledgeHomePage.objects.count() == 1
    assert Site.objects.get(is_default_site=True).root_page_id == first.home.pk
    assert first.home.url == "/kennisbank/"
    assert first.lessons.url == "/kennisbank/lessen/"
    response = client.get("/kennisbank/")
    assert response.status_code == 200
    assert "Kennisbank" in response.content.decode()


def test_complete_lesson_publishes(make_lesson: Any, client: Any) -> None:
    lesson = make_lesson("Start met de waaromvraag")
    assert lesson.live
    response = client.get(lesson.url)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Start met de waaromvraag" in body
    assert "waaromvraag" in body


@pytest.mark.parametrize("missing", ["waarom", "hoe", "waartoe", "source"])
def test_publish_rule_refuses_incomplete_lesson(make_lesson: Any, missing: str) -> None:
    lesson = make_lesson(publish=False, source=missing != "source")
    if missing == "waarom":
        lesson.waarom = "<p> </p>"
    elif missing == "hoe":
        lesson.hoe = []
    elif missing == "waartoe":
        lesson.waartoe = ""
    revision = lesson.save_revision()  # a draft may be incomplete
    with pytest.raises(ValidationError):
        revision.publish()
    lesson.refresh_from_db()
    assert not lesson.live
    assert lesson.get_latest_revision_as_object().publish_problems()


def test_origin_pilot_counts_as_source(kb_tree: Any, make_lesson: Any) -> None:
    pilot = PilotPage(title="Energie Transitie Huis")
    kb_tree.pilots.add_child(instance=pilot)
    pilot.save_revision().publish()
    lesson = make_lesson(publish=False, source=False, origin_pilot=pilot)
    lesson.save_revision().publish()
    lesson.refresh_from_db()
    assert lesson.live
    assert list(pilot.lessons_learned()) == [lesson]


def test_deleting_a_related_lesson_leaves_no_broken_link(make_lesson: Any, client: Any) -> None:
    one = make_lesson("Organiseer regionaal")
    two = make_lesson("Combineer investeringen")
    one.related_lessons.add(RelatedLesson(lesson=two))
    one.save_revision().publish()
    assert "Combineer investeringen" in client.get(one.url).content.decode()
    two.delete()
    assert RelatedLesson.objects.filter(page=one).count() == 0
    response = client.get(one.url)
    assert response.status_code == 200
    assert "Combineer investeringen" not in response.content.decode()
    # The stored revision still names the deleted lesson; loading and re-publishing it must not break.
    restored = LessonPage.objects.get(pk=one.pk).get_latest_revision_as_object()
    assert restored.live_related_lessons() == []
    restored.save_revision().publish()
    assert client.get(one.url).status_code == 200


def test_deleting_a_source_keeps_the_lesson(make_lesson: Any) -> None:
    lesson = make_lesson()
    Source.objects.all().delete()
    assert LessonSource.objects.count() == 0
    assert LessonPage.objects.filter(pk=lesson.pk).exists()


def test_draft_is_invisible_to_anonymous_visitors(make_lesson: Any, client: Any) -> None:
    draft = make_lesson("Geheim concept", publish=False)
    assert client.get(draft.url or f"/kennisbank/lessen/{draft.slug}/").status_code == 404
    assert "Geheim concept" not in client.get("/kennisbank/lessen/").content.decode()
