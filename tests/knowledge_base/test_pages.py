"""Public pages, the navigation entry, preview of drafts for reviewers, and image upload rules."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_navigation_links_to_the_knowledge_home(kb_tree: Any, client: Any) -> None:
    assert reverse("knowledge_base:home") == "/kennisbank/"
    body = client.get("/").content.decode()
    assert 'href="/kennisbank/"' in body


def test_public_pages_render_without_inline_script_or_style(kb_tree: Any, make_lesson: Any, client: Any) -> None:
    from knowledge_base.models import PilotPage, ThemePage

    theme = ThemePage(title="Energietransitie", slug="energietransitie", live=False)
    kb_tree.home.add_child(instance=theme)
    theme.save_revision().publish()
    pilot = PilotPage(title="Energy College", slug="energy-college", partners="Energy College\nTNO", live=False)
    kb_tree.pilots.add_child(instance=pilot)
    pilot.save_revision().publish()
    lesson = make_lesson("Start met de waaromvraag", themes=[theme], origin_pilot=pilot)
    for url in ["/kennisbank/", "/kennisbank/lessen/", "/kennisbank/pilots/", theme.url, pilot.url, lesson.url]:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert "<script>" not in body and " style=" not in body, url
        assert "Content-Security-Policy" in response.headers
    assert "Start met de waaromvraag" in client.get(pilot.url).content.decode()  # lessons learned
    assert "Start met de waaromvraag" in client.get(theme.url).content.decode()
    assert "TNO" in client.get(pilot.url).content.decode()


def test_reviewer_previews_a_draft_and_sees_revisions(make_lesson: Any, make_user: Any, client: Any) -> None:
    lesson = make_lesson("Eerste titel", publish=False)
    draft = lesson.get_latest_revision_as_object()
    draft.title = "Tweede titel"
    draft.save_revision()
    reviewer = make_user("Rob", email="rob-preview@example.test")
    reviewer.groups.add(Group.objects.get(name="Reviewers"))
    client.force_login(reviewer)
    response = client.get(reverse("wagtailadmin_pages:view_draft", args=[lesson.pk]))
    assert response.status_code == 200
    assert "Tweede titel" in response.content.decode()
    history = client.get(reverse("wagtailadmin_pages:history", args=[lesson.pk]))
    assert history.status_code == 200
    assert lesson.revisions.count() == 2
    client.logout()
    assert client.get(reverse("wagtailadmin_pages:view_draft", args=[lesson.pk])).status_code == 302  # to login


def test_svg_images_are_refused(make_user: Any, client: Any) -> None:
    from wagtail.images import get_image_model
    from wagtail.models import Collection

    editor = make_user("Eva", email="eva-img@example.test")
    editor.groups.add(Group.objects.get(name="Redacteuren"))
    client.force_login(editor)
    response = client.post(
        reverse("wagtailimages:add"),
        {
            "title": "Logo",
            "collection": Collection.get_first_root_node().pk,
            "file": SimpleUploadedFile("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"),
        },
    )
    assert response.status_code == 200
    assert get_image_model().objects.count() == 0
