"""Wagtail's SQLite (FTS5) search backend on Dutch stems: see ``knowledge_base.search``."""

from __future__ import annotations

from typing import Any

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

from knowledge_base.search.dutch import query_stems, stem_text


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


SearchBackend = DutchSQLiteSearchBackend
