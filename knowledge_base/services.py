"""Writes for the knowledge base: the page tree and (from the forum) drafts of lessons."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from wagtail.models import Page, Site

from knowledge_base.models import KnowledgeHomePage, LessonIndexPage, PilotIndexPage

HOME_SLUG = "kennisbank"
LESSONS_SLUG = "lessen"
PILOTS_SLUG = "pilots"


@dataclass(frozen=True)
class KnowledgeTree:
    home: KnowledgeHomePage
    lessons: LessonIndexPage
    pilots: PilotIndexPage


def _publish_new(parent: Page, page: Page) -> Page:
    page.live = False
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


@transaction.atomic
def ensure_knowledge_tree() -> KnowledgeTree:
    """The knowledge home (the default Site's root, so it is served at /kennisbank/) and its two indexes.

    Idempotent: pages that exist are left alone (and not re-published).
    """
    home = KnowledgeHomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        home = KnowledgeHomePage(
            title="Kennisbank",
            slug=HOME_SLUG,
            intro=(
                "<p>Lessen uit pilots en goede praktijken van learning communities: wat werkt, waarom, hoe je "
                "het aanpakt en waaraan je ziet dat het lukt.</p>"
            ),
        )
        _publish_new(root, home)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="Kring")
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.site_name = site.site_name or "Kring"
        site.save()

    lessons = LessonIndexPage.objects.child_of(home).first()
    if lessons is None:
        lessons = LessonIndexPage(
            title="Lessen",
            slug=LESSONS_SLUG,
            intro="<p>Lessen en tips in de vorm Waarom, Hoe en Waartoe.</p>",
        )
        _publish_new(home, lessons)
    pilots = PilotIndexPage.objects.child_of(home).first()
    if pilots is None:
        pilots = PilotIndexPage(
            title="Pilots",
            slug=PILOTS_SLUG,
            intro="<p>De pilots van de investeringsagenda van de topsectoren.</p>",
        )
        _publish_new(home, pilots)
    return KnowledgeTree(home=home, lessons=lessons.specific, pilots=pilots.specific)
