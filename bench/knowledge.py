"""Knowledge search: ``search_knowledge`` and the search page at 10,000 lessons.

Lessons are Wagtail pages: made the way an editor makes them (``add_child`` and a
published revision, a search-index entry each) they come at a few per second, so 10,000
would take most of an hour. This benchmark measures *search*, not page creation, so it
loads its lessons through a bulk path instead, honestly not the editor's path:

* the ``wagtailcore_page`` rows with their tree paths computed here (treebeard's
  materialised path: the lessons index's path plus one 4-character step per child) and
  inserted with ``bulk_create``; the index's ``numchild`` is updated once;
* the ``knowledge_base_lessonpage`` rows (multi-table inheritance, so Django's
  ``bulk_create`` cannot do them) with one batched ``INSERT`` per chunk;
* taxonomy and sources with ``bulk_create``;
* search-index entries copied in SQL from the template lesson's entry (building one in
  Python is about 9 ms a lesson, most of the load time); only the title vector keeps
  the template's title, without the copy's number.

Skipped, and not read by search: revisions, log entries, the reference index and the
publish signals. Each bench lesson copies the text and taxonomy of one of the demo lessons
(``knowledge_base.demo``), so queries match as many lessons as they would in a knowledge
base of copies. Runs accumulate in the bench database; a run adds lessons for at most
``create_s`` seconds, in chunks, towards ``target``.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from bench.pages import PAGE_SAMPLES, _timed

CHUNK = 1000


def _add_lessons(count: int, start: int, templates: list[Any], tree: Any) -> None:
    """``count`` live, public copies of the template lessons under the lessons index, numbered from ``start``."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from django.utils import timezone
    from wagtail.models import Page
    from wagtail.search.backends import get_search_backend

    from knowledge_base.models import LessonPage, LessonSource

    content_type = ContentType.objects.get_for_model(LessonPage)
    now = timezone.now()
    with transaction.atomic():
        index = Page.objects.select_for_update().get(pk=tree.lessons.pk)
        last = index.get_last_child()
        first_step = Page._str2int(last.path[-Page.steplen :]) + 1 if last else 1
        depth = index.depth + 1
        pages = []
        for n in range(count):
            src = templates[(start + n) % len(templates)]
            slug = f"bench-{start + n}"
            title = f"{src.title} ({start + n})"
            pages.append(
                Page(
                    path=Page._get_path(index.path, depth, first_step + n),
                    depth=depth,
                    numchild=0,
                    translation_key=uuid.uuid4(),
                    locale_id=index.locale_id,
                    live=True,
                    has_unpublished_changes=False,
                    first_published_at=now,
                    last_published_at=now,
                    title=title,
                    draft_title=title,
                    slug=slug,
                    content_type=content_type,
                    url_path=f"{index.url_path}{slug}/",
                    seo_title="",
                    search_description=src.search_description,
                )
            )
        Page.objects.bulk_create(pages, batch_size=CHUNK)
        Page.objects.filter(pk=index.pk).update(numchild=index.numchild + count)

        # The lesson rows: copy the template's own columns, pointing at the new page rows.
        fields = list(LessonPage._meta.local_concrete_fields)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        marks = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {connection.ops.quote_name(LessonPage._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
        rows = []
        for n, page in enumerate(pages):
            src = templates[(start + n) % len(templates)]
            row = []
            for f in fields:
                value = page.pk if f.attname == "page_ptr_id" else getattr(src, f.attname)
                if f.attname in ("discussion_topic_id", "origin_topic_id"):
                    value = None  # a copy has no conversation of its own
                row.append(f.get_db_prep_save(value, connection))
            rows.append(row)
        with connection.cursor() as cursor:
            for i in range(0, len(rows), CHUNK):
                cursor.executemany(sql, rows[i : i + CHUNK])

        # Taxonomy and sources, copied from the template.
        for name in ("sectors", "regions", "community_kinds", "success_factors", "themes"):
            through = getattr(LessonPage, name).through
            target = getattr(LessonPage, name).field.m2m_reverse_field_name()
            links = []
            for n, page in enumerate(pages):
                src = templates[(start + n) % len(templates)]
                links += [through(lessonpage_id=page.pk, **{f"{target}_id": pk}) for pk in src.bench_taxonomy[name]]
            through.objects.bulk_create(links, batch_size=CHUNK)
        sources = []
        for n, page in enumerate(pages):
            src = templates[(start + n) % len(templates)]
            sources += [
                LessonSource(page_id=page.pk, source_id=sid, note=note, sort_order=i)
                for i, (sid, note) in enumerate(src.bench_sources)
            ]
        LessonSource.objects.bulk_create(sources, batch_size=CHUNK)

        # The search index. Building an entry in Python (text of every field, the StreamField too) is most of
        # the cost (about 9 ms a lesson); a copy has its template's text, so on PostgreSQL its entry is the
        # template's entry (vectors and all) with its own object id and title text. The title *vector* keeps
        # the template's title, without the copy's number. Elsewhere: the backend's own add_bulk.
        backend = get_search_backend()
        if connection.vendor != "postgresql":
            ids = [p.pk for p in pages]
            for i in range(0, len(ids), CHUNK):
                backend.add_bulk(LessonPage, list(LessonPage.objects.filter(pk__in=ids[i : i + CHUNK])))
            return
        backend.add_bulk(LessonPage, templates)  # make sure every template has its entry
        pairs = [(page.pk, templates[(start + n) % len(templates)].pk) for n, page in enumerate(pages)]
        with connection.cursor() as cursor:
            for i in range(0, len(pairs), CHUNK):
                chunk = pairs[i : i + CHUNK]
                values = ", ".join(["(%s, %s)"] * len(chunk))  # placeholders only
                sql = (
                    "INSERT INTO wagtailsearch_indexentry (content_type_id, object_id, title_norm, autocomplete, "  # noqa: S608
                    "title, body, title_text, body_text) "
                    "SELECT e.content_type_id, m.new_id::text, e.title_norm, e.autocomplete, e.title, e.body, "
                    "p.title, e.body_text "
                    f"FROM (VALUES {values}) AS m(new_id, template_id) "
                    "JOIN wagtailsearch_indexentry e ON e.content_type_id = %s AND e.object_id = m.template_id::text "
                    "JOIN wagtailcore_page p ON p.id = m.new_id"
                )
                cursor.execute(
                    sql,
                    [*(x for pair in chunk for x in pair), content_type.pk],
                )


def run(target: int, create_s: float, n: int, budget_s: float) -> dict[str, Any]:
    from django.db import connection, reset_queries
    from django.test import Client

    from demo import knowledge_base as demo
    from knowledge_base.models import LessonPage
    from knowledge_base.selectors import search_knowledge
    from knowledge_base.services import ensure_knowledge_tree

    started = time.monotonic()
    if not LessonPage.objects.exists():
        demo.seed(lambda _msg: None)
    tree = ensure_knowledge_tree()
    templates = list(
        LessonPage.objects.live().exclude(slug__startswith="bench-").prefetch_related("sources").order_by("pk")[:20]
    )
    for src in templates:
        src.bench_taxonomy = {
            name: list(getattr(src, name).values_list("pk", flat=True))
            for name in ("sectors", "regions", "community_kinds", "success_factors", "themes")
        }
        src.bench_sources = [(link.source_id, link.note) for link in src.sources.all()]
    have = LessonPage.objects.count()
    made = 0
    t0 = time.monotonic()
    end = t0 + create_s
    while have + made < target and time.monotonic() < end and templates:
        count = min(CHUNK, target - have - made)
        _add_lessons(count, have + made, templates, tree)
        made += count
    create_rate = made / max(1e-9, time.monotonic() - t0)
    if made and connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # fresh statistics, as autovacuum would give a long-lived database
            cursor.execute("ANALYZE")
    total = LessonPage.objects.live().count()
    out: dict[str, Any] = {
        "lessons": total,
        "created_now": made,
        "create_per_s": round(create_rate, 1),
        "create_path": "bulk (page rows, lesson rows, taxonomy; index entries copied from the template; no revisions)",
        "setup_s": round(time.monotonic() - started, 1),
    }
    if total < target and create_rate:
        out["minutes_to_target"] = round((target - total) / create_rate / 60, 1)
    reset_queries()  # the query log is capped: a full one would make every query count 0
    client = Client(HTTP_HOST="127.0.0.1")

    def page(params: dict[str, str]) -> Any:
        def get() -> None:
            response = client.get("/kennisbank/zoeken/", params)
            assert response.status_code == 200, response.status_code

        return get

    # The target is a p95: take enough samples for one (of 20 it is the slowest request).
    n, budget_s = max(n, PAGE_SAMPLES), max(budget_s, 12.0)
    out["search_selector"] = _timed(lambda: search_knowledge(query="vertrouwen samenwerking"), n, budget_s)
    out["search_selector_empty_query"] = _timed(lambda: search_knowledge(query=""), n, budget_s)
    out["search_selector_facets"] = _timed(
        lambda: search_knowledge(query="samenwerking", selected={"sector": ["energie"], "type": ["lesson"]}),
        n,
        budget_s,
    )
    out["search_page"] = _timed(page({"q": "vertrouwen samenwerking"}), n, budget_s)
    out["search_page_facets"] = _timed(page({"q": "samenwerking", "sector": "energie"}), n, budget_s)
    return out
