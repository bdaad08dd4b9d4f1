"""Knowledge-base search: Wagtail's database backend with Dutch stemming and prefix search on both databases.

PostgreSQL stems with its ``dutch`` text search configuration (Snowball's Dutch stemmer). SQLite's FTS5
has no Dutch stemmer, so on the embedded default nothing matched an inflected form: "mentoren" did not
find "mentor". Here the SQLite index stores the Snowball stems of the title and body, and a query is
stemmed the same way, with ``snowballstemmer``'s ``dutch_porter``: the algorithm PostgreSQL's ``dutch``
dictionary implements (its newer ``dutch`` algorithm stems differently and would find other lessons).

On both databases the last word of a query is a prefix ("leerl" finds "leerlingen", "waterschap" finds
"waterschappen"), as a search box that searches while one types; stop words are left out of a query as
PostgreSQL does. ``tests/knowledge_base/test_dutch_search.py`` holds the reference set that both must
answer alike.

Configured in settings as ``WAGTAILSEARCH_BACKENDS["default"]["BACKEND"]``: ``knowledge_base.search.sqlite`` or
``knowledge_base.search.postgres`` (each imports only its own database's backend: Wagtail's SQLite module
cannot be imported on PostgreSQL). The stemming itself is in ``knowledge_base.search.dutch``.
"""
