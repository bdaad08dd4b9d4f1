"""The knowledge home (as the default Site's root, so it is served at /kennisbank/) with its lessons and
pilots indexes, so that the knowledge base works straight after ``migrate``, before any demo content.

Pages are written directly (as Wagtail's own initial-data migration does), without revisions; editors'
first edit makes one. Skipped when a knowledge home exists already.
"""

import uuid

from django.db import migrations
from django.utils import timezone

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
STEPLEN = 4


def _encode(number):
    digits = ""
    while number:
        number, rest = divmod(number, len(ALPHABET))
        digits = ALPHABET[rest] + digits
    return digits.rjust(STEPLEN, "0")


def _decode(segment):
    return int(segment, len(ALPHABET))


def _page(apps, model_name, *, parent, position, title, slug, intro, numchild):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Locale = apps.get_model("wagtailcore", "Locale")
    model = apps.get_model("knowledge_base", model_name)
    content_type, _ = ContentType.objects.get_or_create(app_label="knowledge_base", model=model_name.lower())
    now = timezone.now()
    return model.objects.create(
        title=title,
        draft_title=title,
        slug=slug,
        content_type=content_type,
        path=parent.path + _encode(position),
        depth=parent.depth + 1,
        numchild=numchild,
        url_path=f"{parent.url_path}{slug}/",
        locale=Locale.objects.order_by("pk").first(),
        translation_key=uuid.uuid4(),
        live=True,
        has_unpublished_changes=False,
        first_published_at=now,
        last_published_at=now,
        intro=intro,
    )


def forwards(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    KnowledgeHomePage = apps.get_model("knowledge_base", "KnowledgeHomePage")
    if KnowledgeHomePage.objects.exists():
        return
    root = Page.objects.filter(depth=1).order_by("path").first()
    if root is None:
        return
    children = Page.objects.filter(depth=2, path__startswith=root.path).order_by("-path")
    last = children.first()
    position = _decode(last.path[-STEPLEN:]) + 1 if last else 1
    home = _page(
        apps,
        "KnowledgeHomePage",
        parent=root,
        position=position,
        title="Kennisbank",
        slug="kennisbank",
        intro=(
            "<p>Lessen uit pilots en goede praktijken van learning communities: wat werkt, waarom, hoe je "
            "het aanpakt en waaraan je ziet dat het lukt.</p>"
        ),
        numchild=2,
    )
    Page.objects.filter(pk=root.pk).update(numchild=root.numchild + 1)
    _page(
        apps,
        "LessonIndexPage",
        parent=home,
        position=1,
        title="Lessen",
        slug="lessen",
        intro="<p>Lessen en tips in de vorm Waarom, Hoe en Waartoe.</p>",
        numchild=0,
    )
    _page(
        apps,
        "PilotIndexPage",
        parent=home,
        position=2,
        title="Pilots",
        slug="pilots",
        intro="<p>De pilots van de investeringsagenda van de topsectoren.</p>",
        numchild=0,
    )
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", port=80, root_page_id=home.pk, is_default_site=True, site_name="Kring")
    else:
        site.root_page_id = home.pk
        site.site_name = site.site_name or "Kring"
        site.save()


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge_base", "0003_lesson_forum_links"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
