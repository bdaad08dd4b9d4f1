"""Documents: served through the view as attachments, extension allow-list, size limit, no SVG."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.documents import get_document_model
from wagtail.documents.forms import get_document_form

pytestmark = pytest.mark.django_db


def _form(name: str, content: bytes) -> Any:
    Document = get_document_model()
    form_class = get_document_form(Document)
    from wagtail.models import Collection

    return form_class(
        data={"title": name, "collection": Collection.get_first_root_node().pk},
        files={"file": SimpleUploadedFile(name, content)},
    )


def test_document_is_served_as_attachment_through_the_view(client: Any) -> None:
    Document = get_document_model()
    doc = Document(title="Investeringsagenda")
    doc.file.save("investeringsagenda.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    assert doc.url.startswith("/documenten/")
    response = client.get(doc.url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_svg_and_html_uploads_are_refused() -> None:
    assert not _form("logo.svg", b"<svg onload='alert(1)'/>").is_valid()
    assert not _form("page.html", b"<script>alert(1)</script>").is_valid()
    assert _form("notitie.txt", b"gewoon tekst").is_valid()


def test_upload_size_is_limited(settings: Any) -> None:
    settings.KNOWLEDGE_BASE_MAX_DOCUMENT_SIZE = 10
    form = _form("groot.txt", b"x" * 11)
    assert not form.is_valid()
    assert "file" in form.errors


def test_editor_upload_through_admin_respects_the_rules(make_user: Any, client: Any) -> None:
    editor = make_user("Eva", email="eva-doc@example.test")
    editor.groups.add(Group.objects.get(name="Redacteuren"))
    client.force_login(editor)
    from wagtail.models import Collection

    response = client.post(
        reverse("wagtaildocs:add"),
        {
            "title": "Kwaadaardig",
            "collection": Collection.get_first_root_node().pk,
            "file": SimpleUploadedFile("x.svg", b"<svg/>"),
        },
    )
    assert response.status_code == 200  # form shown again with an error
    assert get_document_model().objects.count() == 0
