"""Wagtail admin hooks for the knowledge base."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest
from wagtail import hooks
from wagtail.admin.ui.components import Component

from knowledge_base import views
from knowledge_base.models import LessonIndexPage, LessonPage, StaleAutosaveGuard
from knowledge_base.selectors import promoted_drafts


@hooks.register("before_edit_page")
def note_autosave_basis(request: HttpRequest, page: Any) -> None:
    """Remember which revision an autosave was made from, so saving it can check that it is still the newest.

    The admin's autosave asks for JSON; its form carries ``overwrite_revision_id`` (the session's own
    autosave revision) or, on its first save, ``loaded_revision_id``. Saves the editor clicks (save draft,
    submit, approve, publish) keep Wagtail's behaviour and are not checked.
    """
    if request.method != "POST" or request.accepts("text/html") or not isinstance(page, StaleAutosaveGuard):
        return
    basis = request.POST.get("overwrite_revision_id") or request.POST.get("loaded_revision_id") or ""
    if basis.isdigit():
        page.autosave_basis_revision_id = int(basis)


class PromotedDraftsPanel(Component):
    """The editors' dashboard: drafts promoted from a conversation, newest first, until they are published
    (they used to appear nowhere but in the page tree)."""

    name = "kring_promoted_drafts"
    template_name = "knowledge_base/admin/promoted_drafts_panel.html"
    order = 90  # above Wagtail's own workflow panels

    def get_context_data(self, parent_context: Mapping[str, Any]) -> Mapping[str, Any]:
        context = dict(super().get_context_data(parent_context))
        context["drafts"] = promoted_drafts(user=parent_context["request"].user)
        return context


@hooks.register("construct_homepage_panels")
def add_promoted_drafts_panel(request: HttpRequest, panels: list[Any]) -> None:
    if LessonPage.objects.filter(live=False, origin_topic__isnull=False).exists():
        panels.append(PromotedDraftsPanel())


@hooks.register("before_serve_page")
def serve_lesson_index_with_facets(page: Any, request: HttpRequest, serve_args: Any, serve_kwargs: Any) -> Any:
    if isinstance(page, LessonIndexPage) and not getattr(request, "is_preview", False):
        return views.lesson_index(request, page)
    return None
