"""Wagtail's PostgreSQL search backend (``dutch`` configuration) with the last word as a prefix, as on SQLite."""

from __future__ import annotations

from typing import Any

from modelsearch.backends.database.postgres.postgres import PostgresSearchBackend, PostgresSearchQueryCompiler
from modelsearch.query import PlainText

from knowledge_base.search.dutch import DUTCH_STOP_WORDS, WORD


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


SearchBackend = DutchPostgresSearchBackend
