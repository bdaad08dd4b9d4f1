from __future__ import annotations

from typing import Any

import pytest
from wagtail.models import Page, Revision

from demo import knowledge_base as demo
from knowledge_base.models import LessonPage, PilotPage, RelatedLesson, ThemePage

pytestmark = pytest.mark.django_db


def _counts() -> dict[str, int]:
    return {
        "pages": Page.objects.count(),
        "revisions": Revision.objects.count(),
        "lessons": LessonPage.objects.live().count(),
        "pilots": PilotPage.objects.live().count(),
        "themes": ThemePage.objects.live().count(),
        "related": RelatedLesson.objects.count(),
    }


def test_seed_loads_pilots_and_lessons_idempotently(client: Any) -> None:
    lines: list[str] = []
    demo.seed(lines.append)
    first = _counts()
    demo.seed(lambda line: None)
    assert _counts() == first
    assert first["pilots"] == len(demo.PILOTS) >= 20
    assert first["lessons"] == len(demo.LESSONS) >= 19
    assert first["related"] == len(demo.RELATED)
    assert "lessons: " + str(len(demo.LESSONS)) in lines
    # Every seeded lesson satisfies the publish rule and has an English summary.
    for lesson in LessonPage.objects.all():
        assert lesson.publish_problems() == []
        assert lesson.summary_en
    lesson = LessonPage.objects.get(slug="start-met-de-waaromvraag")
    body = client.get(lesson.url).content.decode()
    assert "Waarom" in body and "Waartoe" in body and "Investeringsagenda" in body
    assert client.get("/kennisbank/pilots/").status_code == 200


def test_seed_links_pilots_and_lessons_to_forum_communities(make_user: Any) -> None:
    from forum import services as forum_services

    owner = make_user("Olga", email="olga@example.test")
    for name in ("Energie Transitie Huis", "Kenniskring Werkplekleren"):
        forum_services.create_community(
            actor=owner, name=name, kind="kenniskring", description=name, waaromvraag="Samen leren."
        )
    demo.seed(lambda line: None)
    pilot = PilotPage.objects.get(slug="energie-transitie-huis")
    assert pilot.community_url == "/gemeenschappen/energie-transitie-huis/"
    assert LessonPage.objects.get(slug="hybride-en-flexibele-leeromgeving").origin_community.slug == (
        "energie-transitie-huis"
    )
    assert LessonPage.objects.get(slug="coach-lerenden").origin_community.slug == "kenniskring-werkplekleren"
    assert LessonPage.objects.get(slug="leer-van-fouten-en-blijf-kritisch").origin_community is None
