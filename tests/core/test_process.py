"""URL resolvers filled at start-up: a request's context does not collect their context variables."""

from __future__ import annotations

import contextvars

from asgiref.local import _Storage
from django.urls import clear_url_caches, reverse
from django.utils import translation

from core.process import fill_url_resolvers

NAMES = ["frontend:home", "forum:directory", "forum:search", "api:docs", "api:communities", "admin:index"]


def _resolvers_marked_in_a_fresh_context() -> int:
    """Reverse a few names in both languages inside a new context, as a request or socket frame
    would; count the resolvers' 'populating' variables that this context now carries."""

    def reverse_names() -> int:
        for code in ("nl", "en"):
            with translation.override(code):
                for name in NAMES:
                    reverse(name)
        context = contextvars.copy_context()
        return sum(1 for var in context if isinstance(context[var], _Storage) and "populating" in context[var].data)

    return contextvars.Context().run(reverse_names)


def test_without_filling_a_request_collects_one_variable_per_resolver() -> None:
    clear_url_caches()
    assert _resolvers_marked_in_a_fresh_context() > 10  # asgiref copies each of them at every thread hop


def test_after_filling_a_request_collects_none() -> None:
    clear_url_caches()
    fill_url_resolvers()
    assert _resolvers_marked_in_a_fresh_context() == 0
