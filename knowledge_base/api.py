"""The public read API (Wagtail API v2) for lessons and pilots, with filters on the taxonomy.

Only live, public pages are listed (Wagtail's PagesAPIViewSet starts from the public pages); drafts,
private pages and unpublished changes never appear. Filters take one value or several separated by
commas (OR within a filter, AND across filters), e.g. ``/api/v2/lessons/?sector=energie&factor=hybrid_learning``.

Endpoints are named in English like every field and like API v1 (``lessons``, ``pilots``); ``/api/v2/`` lists
them (the lessons endpoint was ``lessen/``). Links (``detail_url``, ``html_url``) are absolute
from ``SITE_URL``, and ``find/?html_path=`` takes the path of an ``html_url`` (or the whole URL).
"""

from __future__ import annotations

import re
from typing import Any, ClassVar
from urllib.parse import urlsplit

from django.db.models import QuerySet
from django.http import HttpRequest, JsonResponse
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET
from rest_framework.filters import BaseFilterBackend
from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.utils import BadRequestError, page_models_from_string
from wagtail.api.v2.views import PagesAPIViewSet

from accounts.sites import absolute_url
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
    """``find/`` that takes what ``html_url`` gives, and checked parameters.

    Wagtail routes ``html_path`` from the site's root page, but the knowledge home (the root) is served
    under ``/kennisbank/``, so the path in every ``html_url`` did not resolve. ``/find/?id=`` with anything
    but a number was a 500 (Wagtail passes it to the query as it is).
    """

    def find_object(self, queryset: QuerySet[Any], request: Any) -> Any:
        if "id" in request.GET and not re.fullmatch(r"[0-9]{1,18}", request.GET["id"]):
            return None  # the find view answers 404
        if "html_path" in request.GET:
            path = urlsplit(request.GET["html_path"]).path
            if "\x00" in path:
                return None
            prefix = reverse("wagtail_serve", args=[""])
            if path.startswith(prefix):
                path = "/" + path[len(prefix) :]
            request.GET = request.GET.copy()
            request.GET["html_path"] = path
        return super().find_object(queryset, request)  # type: ignore[misc]


class OwnTypesOnly:
    """``?type=`` may narrow an endpoint to a subtype of its model, never widen it to other pages (it did:
    ``/lessen/?type=wagtailcore.Page`` listed every live page)."""

    model: Any

    def get_queryset(self) -> Any:
        raw = self.request.GET.get("type")  # type: ignore[attr-defined]
        if raw:
            try:
                models = page_models_from_string(raw)
            except (LookupError, ValueError) as error:
                raise BadRequestError("type doesn't exist") from error
            if not all(issubclass(model, self.model) for model in models):
                raise BadRequestError(f"type must be {self.model._meta.label} on this endpoint")
        return super().get_queryset()  # type: ignore[misc]


class LessonsAPIViewSet(CheckedFindMixin, OwnTypesOnly, PagesAPIViewSet):
    model = LessonPage
    name = "lessons"
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


class PilotsAPIViewSet(CheckedFindMixin, OwnTypesOnly, PagesAPIViewSet):
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
ENDPOINTS = {"lessons": LessonsAPIViewSet, "pilots": PilotsAPIViewSet}
for _name, _viewset in ENDPOINTS.items():
    api_router.register_endpoint(_name, _viewset)


@require_GET
def api_index(request: HttpRequest) -> JsonResponse:
    """``/api/v2/``: the endpoints, with absolute links (it answered 404)."""
    endpoints = {}
    for name in ENDPOINTS:
        try:
            endpoints[name] = absolute_url(reverse(f"kennisbank_api:{name}:listing"))
        except NoReverseMatch:  # pragma: no cover  (the router names every endpoint's listing)
            continue
    return JsonResponse({"version": 2, "endpoints": endpoints})
