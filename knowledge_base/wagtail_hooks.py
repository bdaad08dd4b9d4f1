"""Wagtail admin hooks for the knowledge base."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from wagtail import hooks

from knowledge_base.models import StaleAutosaveGuard


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
