"""Thin views: parse, call a selector or service, render."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from knowledge_base import selectors


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    selected = selectors.clean_selection(request.GET)
    result = selectors.search_knowledge(query=query, selected=selected)
    return render(request, "knowledge_base/search.html", {"result": result, "facet_keys": selectors.FACET_KEYS})
