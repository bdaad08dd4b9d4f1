"""Lessons and pilots on the design system: images with alt text, author and date, the lessons index with
facets, sorting and pages, the editors' dashboard."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, transaction
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

from accounts.models import Sector
from knowledge_base.models import LessonPage, PilotPage, ThemePage

pytestmark = pytest.mark.django_db


@pytest.fixture
def picture(db: None) -> Image:
    return Image.objects.create(title="Werkplaats", file=get_test_image_file())


def test_an_image_needs_its_alt_text(kb_tree: Any, picture: Image) -> None:
    lesson = LessonPage(title="Zonder beschrijving", image=picture, image_alt="", live=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        kb_tree.lessons.add_child(instance=lesson)
    pilot = PilotPage(title="Zonder beschrijving", image=picture, image_alt="", live=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        kb_tree.pilots.add_child(instance=pilot)


def test_the_admin_form_asks_for_the_alt_text(kb_tree: Any, picture: Image) -> None:
    from knowledge_base.models import ImageAltRequiredForm

    form_class = PilotPage.get_edit_handler().get_form_class()
    assert issubclass(form_class, ImageAltRequiredForm)
    form = form_class(
        data={"title": "Energy College", "slug": "energy-college", "image": picture.pk, "image_alt": ""},
        instance=PilotPage(),
        for_user=None,
    )
    form.is_valid()
    assert "image_alt" in form.errors


def test_lesson_page_shows_image_author_and_date(make_lesson: Any, make_user: Any, picture: Image, client: Any) -> None:
    author = make_user("Fatima de Boer", email="fatima@example.test")
    lesson = make_lesson(
        "Start met de waaromvraag", image=picture, image_alt="Studenten aan een werkbank", owner=author
    )
    body = client.get(lesson.url, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert 'alt="Studenten aan een werkbank"' in body
    assert "Fatima de Boer" in body
    assert "Gepubliceerd op" in body and '<time datetime="' in body
    assert "/knowledge_base/kb.css" in body  # with the print stylesheet (@media print)


def test_lessons_index_has_facets_sorting_pages_and_image_cards(
    make_lesson: Any, kb_tree: Any, picture: Image, client: Any, django_assert_max_num_queries: Any
) -> None:
    theme = ThemePage(title="Energietransitie", slug="energietransitie")
    kb_tree.home.add_child(instance=theme)
    theme.save_revision().publish()
    energie = Sector.objects.get(name="Energie")
    for n in range(14):
        make_lesson(
            f"Les {n:02d} over samenwerken",
            image=picture,
            image_alt=f"Beeld bij les {n}",
            sectors=[energie] if n % 2 else [],
            themes=[theme] if n < 3 else [],
        )
    client.get("/kennisbank/lessen/")  # warm the renditions and the taxonomy labels
    with django_assert_max_num_queries(30):
        response = client.get("/kennisbank/lessen/")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('class="card kb-card"') == 12  # one page of cards
    assert 'alt="Beeld bij les 0"' in body
    assert 'name="theme" value="energietransitie"' in body and 'name="sector" value="energie"' in body
    assert 'name="type"' not in body
    assert 'rel="next"' in body
    second = client.get("/kennisbank/lessen/", {"page": "2"}).content.decode()
    assert second.count('class="card kb-card"') == 2
    themed = client.get("/kennisbank/lessen/", {"theme": "energietransitie"}).content.decode()
    assert themed.count('class="card kb-card"') == 3
    newest = client.get("/kennisbank/lessen/", {"sort": "newest"}).content.decode()
    assert newest.index("Les 13 over") < newest.index("Les 12 over")
    by_title = client.get("/kennisbank/lessen/", {"sort": "title"}).content.decode()
    assert by_title.index("Les 00 over") < by_title.index("Les 01 over")
    assert client.get("/kennisbank/lessen/", {"sort": "bogus", "page": "x"}).status_code == 200
