"""The public read API (Wagtail API v2) for lessons and pilots, with filters on the taxonomy.

Only live, public pages are listed (Wagtail's PagesAPIViewSet starts from the public pages); drafts,
private pages and unpublished changes never appear. Filters take one value or several separated by
commas (OR within a filter, AND across filters), e.g. ``/api/v2/lessen/?sector=energie&factor=hybrid_learning``.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from django.db.models import QuerySet
from rest_framework.filters import BaseFilterBackend
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet

from knowledge_base.models import LessonPage, PilotPage


class TaxonomyFilter(BaseFilterBackend):
    def filter_queryset(self, request: Any, queryset: QuerySet[Any], view: Any) -> QuerySet[Any]:
        lookups: dict[str, str] = getattr(view, "taxonomy_lookups", {})
        for param, lookup in lookups.items():
            # NUL cannot be in a slug or code, and PostgreSQL refuses it in a query (a 500, found by the fuzz suite).
            values = [
                v.strip() for raw in request.GET.getlist(param) for v in raw.split(",") if v.strip() and "\x00" not in v
            ]
            if values:
                matching = queryset.model.objects.filter(**{lookup: values}).values("pk")
                queryset = queryset.filter(pk__in=matching)
        return queryset


class CheckedParameters(BaseFilterBackend):
    """Refuse what Wagtail's search would turn into a 500: ``search_operator`` other than and/or."""

    def filter_queryset(self, request: Any, queryset: QuerySet[Any], view: Any) -> QuerySet[Any]:
        operator = request.GET.get("search_operator")
        if operator is not None and operator not in ("and", "or"):
            raise BadRequestError("search_operator must be 'and' or 'or'")
        return queryset


class CheckedFindMixin:
    """``/find/?id=`` with anything but a number was a 500 (Wagtail passes it to the query as it is)."""

    def find_object(self, queryset: QuerySet[Any], request: Any) -> Any:
        if "id" in request.GET and not re.fullmatch(r"[0-9]{1,18}", request.GET["id"]):
            return None  # the find view answers 404
        if "\x00" in request.GET.get("html_path", ""):
            return None
        return super().find_object(queryset, request)  # type: ignore[misc]


class LessonsAPIViewSet(CheckedFindMixin, PagesAPIViewSet):
    model = LessonPage
    name = "lessen"
    taxonomy_lookups: ClassVar[dict[str, str]] = {
        "sector": "sectors__slug__in",
        "region": "regions__slug__in",
        "kind": "community_kinds__code__in",
        "factor": "success_factors__code__in",
        "theme": "themes__slug__in",
        "leerfunctie": "leerfunctie__in",
        "level": "level__in",
    }
    filter_backends: ClassVar[list[Any]] = [CheckedParameters, TaxonomyFilter, *PagesAPIViewSet.filter_backends]
    known_query_parameters = PagesAPIViewSet.known_query_parameters.union(taxonomy_lookups)
    listing_default_fields: ClassVar[list[str]] = [
        *PagesAPIViewSet.listing_default_fields,
        "summary_en",
        "leerfunctie",
        "sector_slugs",
        "success_factor_codes",
    ]


class PilotsAPIViewSet(CheckedFindMixin, PagesAPIViewSet):
    model = PilotPage
    name = "pilots"
    taxonomy_lookups: ClassVar[dict[str, str]] = {
        "sector": "sector__slug__in",
        "region": "region__slug__in",
        "kind": "community_kind__in",
    }
    filter_backends: ClassVar[list[Any]] = [CheckedParameters, TaxonomyFilter, *PagesAPIViewSet.filter_backends]
    known_query_parameters = PagesAPIViewSet.known_query_parameters.union(taxonomy_lookups)
    listing_default_fields: ClassVar[list[str]] = [
        *PagesAPIViewSet.listing_default_fields,
        "summary_en",
        "sector_slug",
        "region_slug",
        "period_start",
        "period_end",
    ]


api_router = WagtailAPIRouter("kennisbank_api")
api_router.register_endpoint("lessen", LessonsAPIViewSet)
api_router.register_endpoint("pilots", PilotsAPIViewSet)
