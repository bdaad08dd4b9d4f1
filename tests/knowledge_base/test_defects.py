"""The knowledge-base and API v2 defects of issue 16, each held by a test that failed before the fix."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings

pytestmark = pytest.mark.django_db


class Headings(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.levels: list[int] = []
        self.texts: list[str] = []
        self._open: int | None = None

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if len(tag) == 2 and tag[0] == "h" and tag[1].isdigit():
            self.levels.append(int(tag[1]))
            self.texts.append("")
            self._open = int(tag[1])

    def handle_endtag(self, tag: str) -> None:
        if self._open and tag == f"h{self._open}":
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open:
            self.texts[-1] += data


def headings(html: str) -> Headings:
    parser = Headings()
    parser.feed(html)
    return parser


def main_html(response: Any) -> str:
    body = response.content.decode()
    return body[body.index("<main") :]


@pytest.fixture
def theme(kb_tree: Any) -> Any:
    from knowledge_base.models import ThemePage

    theme = ThemePage(title="Energietransitie", slug="energietransitie", summary_en="Lessons on the energy transition.")
    kb_tree.home.add_child(instance=theme)
    theme.save_revision().publish()
    return theme


def test_lesson_headings_name_waarom_hoe_waartoe_once(make_lesson: Any, client: Any) -> None:
    lesson = make_lesson("Start met de waaromvraag")
    page = headings(main_html(client.get(lesson.url, HTTP_ACCEPT_LANGUAGE="nl")))
    texts = [t.strip() for t in page.texts]
    assert "Waarom" in texts and "Hoe" in texts and "Waartoe" in texts
    assert not any("(Waarom)" in t or "(Hoe)" in t or "(Waartoe)" in t for t in texts), texts
    english = [t.strip() for t in headings(main_html(client.get(lesson.url, HTTP_ACCEPT_LANGUAGE="en"))).texts]
    assert "Why (Waarom)" in english and "How (Hoe)" in english and "What for (Waartoe)" in english


def test_dutch_pages_show_no_english_summary(make_lesson: Any, theme: Any, kb_tree: Any, client: Any) -> None:
    from knowledge_base.models import PilotPage

    pilot = PilotPage(title="Energy College", slug="energy-college", summary_en="An English pilot summary.")
    kb_tree.pilots.add_child(instance=pilot)
    pilot.save_revision().publish()
    lesson = make_lesson("Start met de waaromvraag", summary_en="An English lesson summary.", themes=[theme])
    for url in (lesson.url, pilot.url, theme.url, kb_tree.home.url):
        dutch = client.get(url, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
        assert "Summary." not in dutch, url
        for english in ("An English lesson summary.", "An English pilot summary.", "Lessons on the energy transition."):
            assert english not in dutch, (url, english)
    assert "An English lesson summary." in client.get(lesson.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Lessons on the energy transition." in client.get(theme.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_lesson_index_headings_do_not_skip_a_level(make_lesson: Any, client: Any) -> None:
    make_lesson("Start met de waaromvraag")
    make_lesson("Koppel jong en ervaren")
    levels = headings(main_html(client.get("/kennisbank/lessen/"))).levels
    assert levels[0] == 1
    assert all(b - a <= 1 for a, b in itertools.pairwise(levels)), levels


def test_tree_without_a_site_names_the_site_url(db: None, settings: Any) -> None:
    from wagtail.models import Site

    from knowledge_base.services import ensure_knowledge_tree

    settings.SITE_URL = "https://kring.example.nl"
    Site.objects.all().delete()
    tree = ensure_knowledge_tree()
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port) == ("kring.example.nl", 443)
    assert tree.lessons.full_url == "https://kring.example.nl/kennisbank/lessen/"


def test_settings_derive_admin_and_api_base_urls_from_site_url() -> None:
    """Review mails (Wagtail's workflow notifications) link through WAGTAILADMIN_BASE_URL, the API through
    WAGTAILAPI_BASE_URL: both follow SITE_URL, not port 8000."""
    env = {**os.environ, "SITE_URL": "https://kring.example.nl/", "DJANGO_SETTINGS_MODULE": "config.settings"}
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.WAGTAILADMIN_BASE_URL, s.WAGTAILAPI_BASE_URL)"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["https://kring.example.nl", "https://kring.example.nl"]


def test_review_mail_links_to_the_site_url(make_lesson: Any, make_user: Any, settings: Any, mailoutbox: Any) -> None:
    from django.contrib.auth.models import Group

    settings.WAGTAILADMIN_BASE_URL = "https://kring.example.nl"
    reviewer = make_user("Rob", email="rob-review@example.test")
    reviewer.groups.add(Group.objects.get(name="Reviewers"))
    editor = make_user("Eva", email="eva-review@example.test")
    editor.groups.add(Group.objects.get(name="Editors"))
    lesson = make_lesson("Start met de waaromvraag", publish=False)
    workflow = lesson.get_workflow()
    assert workflow is not None
    workflow.start(lesson, editor)
    links = [line for m in mailoutbox for line in m.body.split() if line.startswith("http")]
    assert links, [m.body for m in mailoutbox]
    assert all(link.startswith("https://kring.example.nl/") for link in links), links


def test_api_index_lists_the_endpoints_with_absolute_urls(kb_tree: Any, client: Any) -> None:
    response = client.get("/api/v2/")
    assert response.status_code == 200
    endpoints = response.json()["endpoints"]
    assert set(endpoints) == {"lessons", "pilots"}
    base = django_settings.SITE_URL
    assert endpoints["lessons"] == f"{base}/api/v2/lessons/"
    for url in endpoints.values():
        assert client.get(urlsplit(url).path).status_code == 200


def test_api_urls_are_absolute_from_site_url_and_find_takes_html_url(make_lesson: Any, client: Any) -> None:
    lesson = make_lesson("Start met de waaromvraag")
    item = client.get("/api/v2/lessons/").json()["items"][0]
    base = django_settings.SITE_URL
    assert item["meta"]["detail_url"] == f"{base}/api/v2/lessons/{lesson.pk}/"
    html_url = item["meta"]["html_url"]
    assert html_url == f"{base}/kennisbank/lessen/{lesson.slug}/"
    for html_path in (urlsplit(html_url).path, html_url):
        found = client.get("/api/v2/lessons/find/", {"html_path": html_path})
        assert found.status_code == 302, html_path
        assert urlsplit(found["Location"]).path == f"/api/v2/lessons/{lesson.pk}/"
    assert client.get("/api/v2/lessons/find/", {"html_path": "/kennisbank/lessen/bestaat-niet/"}).status_code == 404


def test_api_type_is_limited_to_the_endpoints_own_types(make_lesson: Any, kb_tree: Any, client: Any) -> None:
    make_lesson("Start met de waaromvraag")
    for other in ("wagtailcore.Page", "knowledge_base.PilotPage", "knowledge_base.LessonIndexPage"):
        response = client.get("/api/v2/lessons/", {"type": other})
        assert response.status_code == 400, other
    response = client.get("/api/v2/lessons/", {"type": "knowledge_base.LessonPage"})
    assert response.status_code == 200
    assert response.json()["meta"]["total_count"] == 1
    assert client.get("/api/v2/pilots/", {"type": "knowledge_base.LessonPage"}).status_code == 400
    assert client.get("/api/v2/lessons/", {"type": "bestaat.Niet"}).status_code == 400
