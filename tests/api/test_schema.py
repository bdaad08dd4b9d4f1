"""The OpenAPI description validates with drf-spectacular's strictest settings, and holds only /api/v1/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db


def test_spectacular_validate_fail_on_warn(tmp_path: Path) -> None:
    out = tmp_path / "schema.json"
    call_command("spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", "--file", str(out))
    schema = json.loads(out.read_text())
    assert schema["openapi"].startswith("3.1")
    assert all(path.startswith("/api/v1/") for path in schema["paths"]), "Wagtail's v2 stays out"
    assert not [p for p in schema["paths"] if "/schema/" in p or "/docs/" in p]


def test_schema_and_references_are_served_without_a_cdn() -> None:
    client = Client()
    schema = client.get("/api/v1/schema/?format=json")
    assert schema.status_code == 200 and schema.json()["info"]["title"] == "Kring API"
    for path in ("/api/v1/docs/swagger/", "/api/v1/docs/redoc/"):
        page = client.get(path)
        assert page.status_code == 200
        html = page.content.decode()
        assert "cdn." not in html and "unpkg" not in html and "jsdelivr" not in html
        assert "/static/drf_spectacular_sidecar/" in html
        assert "script-src 'self'" in page["Content-Security-Policy"]
    docs = client.get("/api/v1/docs/").content.decode()
    assert "/api/v2/lessons/" in docs and "/api/v1/docs/swagger/" in docs
