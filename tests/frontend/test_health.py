from __future__ import annotations

import pytest

from frontend import health

pytestmark = pytest.mark.django_db


def test_healthz_ok(client) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "cache": "ok", "channel_layer": "ok"}


def test_healthz_names_the_failing_part(client, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def broken() -> None:
        raise ConnectionError("redis down")

    monkeypatch.setitem(health.CHECKS, "cache", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["cache"]
    assert "redis down" in body["checks"]["cache"]
    assert body["checks"]["database"] == "ok"
