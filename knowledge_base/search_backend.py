"""Wagtail's database search backend with Dutch stemming and prefix search on both databases.

PostgreSQL stems with its ``dutch`` text search configuration (Snowball's Dutch stemmer). SQLite's FTS5
has no Dutch stemmer, so on the embedded default nothing matched an inflected form: "mentoren" did not
find "mentor". Here the SQLite index stores the Snowball stems of the title and body, and a query is
stemmed the same way, with ``snowballstemmer``'s ``dutch_porter``: the algorithm PostgreSQL's ``dutch``
dictionary implements (its newer ``dutch`` algorithm stems differently and would find other lessons).

On both databases the last word of a query is a prefix ("leerl" finds "leerlingen", "waterschap" finds
"waterschappen"), as a search box that searches while one types; stop words are left out of a query as
PostgreSQL does. ``tests/knowledge_base/test_dutch_search.py`` holds the reference set that both must
answer alike.

Configured as ``WAGTAILSEARCH_BACKENDS["default"]["BACKEND"] = "knowledge_base.search_backend"``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import snowballstemmer
from django.db import connection
from modelsearch.backends.database.postgres.postgres import (
    PostgresSearchBackend,
    PostgresSearchQueryCompiler,
)
from modelsearch.backends.database.sqlite.query import Lexeme, SearchQueryExpression
from modelsearch.backends.database.sqlite.sqlite import (
    IndexEntry,
    ObjectIndexer,
    SQLiteIndex,
    SQLiteSearchBackend,
    SQLiteSearchQueryCompiler,
)
from modelsearch.query import Phrase, PlainText
from modelsearch.utils import get_content_type_pk

# PostgreSQL's list (tsearch_data/dutch.stop), so that both leave the same words out of a query.
DUTCH_STOP_WORDS = frozenset(
    [
        "de",
        "en",
        "van",
        "ik",
        "te",
        "dat",
        "die",
        "in",
        "een",
        "hij",
        "het",
        "niet",
        "zijn",
        "is",
        "was",
        "op",
        "aan",
        "met",
        "als",
        "voor",
        "had",
        "er",
        "maar",
        "om",
        "hem",
        "dan",
        "zou",
        "of",
        "wat",
        "mijn",
        "men",
        "dit",
        "zo",
        "door",
        "over",
        "ze",
        "zich",
        "bij",
        "ook",
        "tot",
        "je",
        "mij",
        "uit",
        "der",
        "daar",
        "haar",
        "naar",
        "heb",
        "hoe",
        "heeft",
        "hebben",
        "deze",
        "u",
        "want",
        "nog",
        "zal",
        "me",
        "zij",
        "nu",
        "ge",
        "geen",
        "omdat",
        "iets",
        "worden",
        "toch",
        "al",
        "waren",
        "veel",
        "meer",
        "doen",
        "toen",
        "moet",
        "ben",
        "zonder",
        "kan",
        "hun",
        "dus",
        "alles",
        "onder",
        "ja",
        "eens",
        "hier",
        "wie",
        "werd",
        "altijd",
        "doch",
        "wordt",
        "wezen",
        "kunnen",
        "ons",
        "zelf",
        "tegen",
        "na",
        "reeds",
        "wil",
        "kon",
        "niets",
        "uw",
        "iemand",
        "geweest",
        "andere",
    ]
)
WORD = re.compile(r"\w+")


@lru_cache(maxsize=1)
def _stemmer() -> Any:
    return snowballstemmer.stemmer("dutch_porter")


@lru_cache(maxsize=20_000)
def stem(word: str) -> str:
    return str(_stemmer().stemWord(word.lower()))


def stem_text(text: str) -> str:
    """The text as its stems, in order (what the SQLite index stores)."""
    return " ".join(stem(w) for w in WORD.findall(text))


def query_stems(query: str) -> list[str]:
    """A query's stems without stop words (all of them when the query is nothing but stop words)."""
    words = [w.lower() for w in WORD.findall(query)]
    kept = [w for w in words if w not in DUTCH_STOP_WORDS] or words
    return [stem(w) for w in kept]


# --- SQLite -----------------------------------------------------------------------------------------------------------


class DutchObjectIndexer(ObjectIndexer):
    """Title and body as stems; autocomplete (a prefix match on what one types) keeps the words as written."""

    @property
    def stemmed_title(self) -> str:
        return stem_text(self.title)

    @property
    def stemmed_body(self) -> str:
        return stem_text(self.body)


class DutchSQLiteIndex(SQLiteIndex):
    def add_items(self, model: Any, objs: Any) -> None:
        # SQLiteIndex.add_items with the stemmed title and body (it builds its indexer by name, no hook).
        if not model.get_search_fields():
            return
        indexers = [DutchObjectIndexer(obj, self.backend) for obj in objs]
        if not indexers:
            return
        content_type_pk = get_content_type_pk(model)
        data = {i.id: (i.stemmed_title, i.autocomplete, i.stemmed_body) for i in indexers}
        entries = self.entries.filter(content_type_id=content_type_pk)
        indexed = frozenset(entries.filter(object_id__in=data.keys()).values_list("object_id", flat=True))
        for object_id in indexed:
            title, autocomplete, body = data[object_id]
            entries.filter(object_id=object_id).update(title=title, autocomplete=autocomplete, body=body)
        self.entries.bulk_create(
            [
                IndexEntry(
                    content_type_id=content_type_pk, object_id=object_id, title=title, autocomplete=auto, body=body
                )
                for object_id, (title, auto, body) in data.items()
                if object_id not in indexed
            ]
        )
        self._refresh_title_norms()


class DutchSQLiteQueryCompiler(SQLiteSearchQueryCompiler):
    def build_search_query_content(self, query: Any, config: Any = None) -> Any:
        if isinstance(query, PlainText):
            stems = query_stems(query.query_string)
            if not stems:
                return None
            lexemes = Lexeme(stems[-1], prefix=True)
            for term in stems[:-1]:
                if query.operator.upper() == "AND":
                    lexemes &= Lexeme(term)
                else:
                    lexemes |= Lexeme(term)
            return SearchQueryExpression(lexemes, config=config)
        if isinstance(query, Phrase):
            return SearchQueryExpression(stem_text(query.query_string))
        return super().build_search_query_content(query, config=config)


class DutchSQLiteSearchBackend(SQLiteSearchBackend):
    query_compiler_class = DutchSQLiteQueryCompiler
    index_class = DutchSQLiteIndex


# --- PostgreSQL -------------------------------------------------------------------------------------------------------


class PrefixPostgresQueryCompiler(PostgresSearchQueryCompiler):
    """PostgreSQL stems with its ``dutch`` configuration; the last word is a prefix, as on SQLite."""

    LAST_TERM_IS_PREFIX = True

    def build_tsquery_content(self, query: Any, config: Any = None, invert: bool = False) -> Any:
        if isinstance(query, PlainText):
            words = [w for w in WORD.findall(query.query_string) if w.lower() not in DUTCH_STOP_WORDS]
            if words:
                # Without stop words, so the prefix is never a stop word ("de" as a prefix finds everything).
                query = PlainText(" ".join(words), operator=query.operator, boost=query.boost)
        return super().build_tsquery_content(query, config=config, invert=invert)


class DutchPostgresSearchBackend(PostgresSearchBackend):
    query_compiler_class = PrefixPostgresQueryCompiler


def SearchBackend(params: dict[str, Any]) -> Any:
    """The backend for the default database, as ``wagtail.search.backends.database`` chooses it."""
    if connection.vendor == "postgresql":
        return DutchPostgresSearchBackend(params)
    return DutchSQLiteSearchBackend(params)
