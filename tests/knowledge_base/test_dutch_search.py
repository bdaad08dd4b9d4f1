"""Dutch search: the embedded default (SQLite) finds the same lessons as PostgreSQL's ``dutch`` configuration.

One reference set of inflected queries, each with the lessons it must find, run on both databases: in this
process on whichever the suite uses, and on the other one too. On PostgreSQL the SQLite half runs in a child
pytest with ``DATABASE_URL`` unset; the PostgreSQL half is marked ``postgres`` (it fails in CI without it).
Before ``knowledge_base.search`` SQLite matched words only as written: "mentoren", "leerling",
"fieldlabs" and "waterschap" found nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from knowledge_base.search.dutch import query_stems, stem
from knowledge_base.selectors import search_knowledge

LESSONS = {
    "mentor": (
        "Koppel een mentor aan elke starter",
        "<p>Een ervaren mentor begeleidt een jonge collega. Leerlingen uit het mbo lopen een dag mee.</p>",
    ),
    "fieldlab": (
        "Werk met leerlingen in een fieldlab",
        "<p>In het fieldlab leren studenten en docenten samen met bedrijven uit de regio.</p>",
    ),
    "water": (
        "Betrek de waterschappen bij de kennisvraag",
        "<p>Waterschappen brengen praktijkvragen in over dijken en gemalen.</p>",
    ),
    "werkplaats": (
        "Leer in de werkplaats van de installateur",
        "<p>Installateurs leren over warmtepompen. Een ondernemer deelt zijn werkplaats.</p>",
    ),
    "kenniskring": (
        "Organiseer een kenniskring met de gemeente",
        "<p>De gemeente en de hogeschool vormen samen een kenniskring over zorg en welzijn.</p>",
    ),
    "opleiding": (
        "Maak van de opleidingen een leerwerkplek",
        "<p>Opleidingen veranderen als docenten stage lopen bij een bedrijf.</p>",
    ),
}

# query → the lessons it finds (the keys above). Singular and plural in both directions, stop words, several
# words (all must match) and prefixes of the last word.
REFERENCE: list[tuple[str, set[str]]] = [
    ("mentor", {"mentor"}),
    ("mentoren", {"mentor"}),
    ("leerling", {"mentor", "fieldlab"}),
    ("leerlingen", {"mentor", "fieldlab"}),
    ("fieldlab", {"fieldlab"}),
    ("fieldlabs", {"fieldlab"}),
    ("waterschap", {"water"}),
    ("waterschappen", {"water"}),
    ("student", {"fieldlab"}),
    ("studenten", {"fieldlab"}),
    ("docent", {"fieldlab", "opleiding"}),
    ("docenten", {"fieldlab", "opleiding"}),
    ("installateur", {"werkplaats"}),
    ("installateurs", {"werkplaats"}),
    ("warmtepomp", {"werkplaats"}),
    ("warmtepompen", {"werkplaats"}),
    ("ondernemers", {"werkplaats"}),
    # Snowball's Dutch (Porter) stemmer keeps "werkplaatsen" apart from "werkplaats" on both databases.
    ("werkplaatsen", set()),
    ("gemeenten", {"kenniskring"}),
    ("kenniskringen", {"kenniskring"}),
    ("opleiding", {"opleiding"}),
    ("praktijkvraag", {"water"}),
    ("jonge mentoren", {"mentor"}),
    ("mentor leerlingen", {"mentor"}),
    ("de waterschappen", {"water"}),
    ("leerl", {"mentor", "fieldlab"}),
    ("kennisk", {"kenniskring"}),
    ("studenten bedrijf", set()),
    ("fietsenmaker", set()),
]


@pytest.fixture
def reference_lessons(make_lesson: Any) -> dict[int, str]:
    return {make_lesson(title, intro=intro).pk: key for key, (title, intro) in LESSONS.items()}


def found(reference_lessons: dict[int, str]) -> dict[str, set[str]]:
    answers = {}
    for query, _expected in REFERENCE:
        result = search_knowledge(query=query, selected={"type": ["lesson"]}, per_page=50)
        answers[query] = {reference_lessons[hit.page.pk] for hit in result.hits if hit.page.pk in reference_lessons}
    return answers


def check(reference_lessons: dict[int, str]) -> None:
    answers = found(reference_lessons)
    wrong = {query: (answers[query], expected) for query, expected in REFERENCE if answers[query] != expected}
    assert not wrong, f"{settings.DATABASES['default']['ENGINE']}: query → (found, expected): {wrong}"


def test_the_reference_set_is_large_enough() -> None:
    assert len(REFERENCE) >= 20
    assert len({q for q, _ in REFERENCE}) == len(REFERENCE)


def test_stems_are_postgresqls() -> None:
    # What ``to_tsvector('dutch', …)`` gives on PostgreSQL 15 for the same words.
    assert [stem(w) for w in ("mentoren", "leerlingen", "fieldlabs", "waterschappen", "bedrijven")] == [
        "mentor",
        "leerling",
        "fieldlab",
        "waterschapp",
        "bedrijv",
    ]
    assert query_stems("de mentoren van het fieldlab") == ["mentor", "fieldlab"]


@pytest.mark.django_db
def test_this_database_finds_the_reference_set(reference_lessons: dict[int, str]) -> None:
    check(reference_lessons)


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgresql_finds_the_reference_set(reference_lessons: dict[int, str]) -> None:
    check(reference_lessons)


@pytest.mark.django_db
def test_the_embedded_default_finds_the_reference_set(request: Any) -> None:
    if not settings.USING_POSTGRES:
        check(request.getfixturevalue("reference_lessons"))
        return
    # The suite runs on PostgreSQL: ask a child pytest on the embedded default (SQLite, no DATABASE_URL).
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    root = Path(__file__).resolve().parents[2]
    child = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            f"{Path(__file__).relative_to(root)}::test_this_database_finds_the_reference_set",
            "-q",
            "-p",
            "no:cacheprovider",
        ],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert child.returncode == 0, child.stdout[-4000:]
