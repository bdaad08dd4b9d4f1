"""Media and proxy settings of the production layout, without nginx (tests/deploy/test_nginx.py has it)."""

from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from accounts.models import Profile
from config.proxy import ProxyHeadersCheckMiddleware, daphne_without_proxy_headers, proxy_headers_problem
from forum import services

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def shared_file(make_user: Any) -> tuple[Any, Any, Any]:
    owner = make_user(name="Olga Owner")
    community = services.create_community(
        actor=owner, name="Media Kring", kind="kenniskring", description="d", waaromvraag="w", visibility="open"
    )
    room = services.create_room(actor=owner, community=community, name="Besloten", restricted=True)
    topic = services.create_topic(actor=owner, room=room, title="Verslag")
    upload = SimpleUploadedFile("verslag één.pdf", b"%PDF-1.4 geheim")
    message = services.post_message(actor=owner, topic=topic, body="x", client_id=uuid.uuid4(), attachments=[upload])
    return owner, message.attachments.get(), make_user(name="Buiten Staander")


@pytest.mark.django_db
def test_attachment_with_x_accel_redirect_after_the_permission_check(
    client: Any, settings: Any, shared_file: Any
) -> None:
    owner, attachment, outsider = shared_file
    settings.KRING_X_ACCEL_REDIRECT = True
    client.force_login(owner)
    response = client.get(f"/gemeenschappen/bijlage/{attachment.pk}/")
    assert response.status_code == 200
    # A URI for nginx's internal location: the stored name, percent-encoded; no body from Kring.
    assert response["X-Accel-Redirect"] == "/_kring_protected/" + attachment.file.name.replace(
        "één", "%C3%A9%C3%A9n"
    ).replace(" ", "%20")
    assert response.content == b""
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    client.force_login(outsider)
    refused = client.get(f"/gemeenschappen/bijlage/{attachment.pk}/")
    assert refused.status_code == 404
    assert "X-Accel-Redirect" not in refused


@pytest.mark.django_db
def test_attachment_served_by_kring_without_x_accel(client: Any, shared_file: Any) -> None:
    owner, attachment, _outsider = shared_file
    assert settings.KRING_X_ACCEL_REDIRECT is False  # the default: Kring streams the file itself
    client.force_login(owner)
    response = client.get(f"/gemeenschappen/bijlage/{attachment.pk}/")
    assert "X-Accel-Redirect" not in response
    assert b"".join(response.streaming_content) == b"%PDF-1.4 geheim"


@pytest.mark.django_db
def test_public_media_is_served_but_attachments_are_not(client: Any, shared_file: Any) -> None:
    """Before: in DEBUG all of MEDIA_ROOT was served at /media/, attachments of closed rooms too."""
    owner, attachment, _outsider = shared_file
    profile = Profile.objects.get(user=owner)
    profile.avatar.save("x.jpg", ContentFile(b"\xff\xd8\xff fake jpeg"), save=True)
    assert settings.KRING_SERVE_MEDIA
    avatar = client.get(profile.avatar.url)
    assert avatar.status_code == 200
    assert b"".join(avatar.streaming_content).startswith(b"\xff\xd8\xff")
    assert (Path(settings.MEDIA_ROOT) / attachment.file.name).exists()
    assert client.get(settings.MEDIA_URL + attachment.file.name).status_code == 404
    assert client.get(settings.MEDIA_URL + "documents/x.pdf").status_code == 404


@pytest.mark.parametrize(
    ("meta", "fix"),
    [
        ({"REMOTE_ADDR": "203.0.113.9", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}, None),
        ({"REMOTE_ADDR": "2001:db8::1", "HTTP_X_FORWARDED_FOR": "2001:db8::1"}, None),
        ({"REMOTE_ADDR": "127.0.0.1"}, "proxy_set_header X-Forwarded-For $remote_addr"),
        # nginx with $proxy_add_x_forwarded_for and a client that sent its own header
        ({"REMOTE_ADDR": "198.51.100.7", "HTTP_X_FORWARDED_FOR": "198.51.100.7, 203.0.113.9"}, "not $proxy_add"),
        # Daphne without --proxy-headers: on TCP the proxy's address, on a Unix socket none at all
        ({"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}, "--proxy-headers"),
        ({"HTTP_X_FORWARDED_FOR": "203.0.113.9"}, "--proxy-headers"),
    ],
)
def test_proxy_headers_problem(meta: dict[str, str], fix: str | None) -> None:
    problem = proxy_headers_problem(meta)
    if fix is None:
        assert problem is None
    else:
        assert problem is not None and fix in problem


def test_misconfigured_proxy_is_refused_with_503_and_logged(caplog: Any) -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    middleware = ProxyHeadersCheckMiddleware(lambda r: pytest.fail("a misconfigured request reached the view"))
    with caplog.at_level("ERROR", logger="config.proxy"):
        response = middleware(request)
    assert response.status_code == 503
    assert "--proxy-headers" in caplog.text


def test_daphne_without_proxy_headers_is_recognised() -> None:
    assert daphne_without_proxy_headers(
        ["/srv/kring/.venv/bin/daphne", "-u", "/run/kring/1.sock", "config.asgi:application"]
    )
    assert not daphne_without_proxy_headers(
        ["/srv/kring/.venv/bin/daphne", "--proxy-headers", "config.asgi:application"]
    )
    assert not daphne_without_proxy_headers(["manage.py", "migrate"])


def test_daphne_behind_a_proxy_without_proxy_headers_refuses_to_start(tmp_path: Path) -> None:
    env = {**os.environ, "KRING_BEHIND_PROXY": "true", "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    sock = tmp_path / "d.sock"
    result = subprocess.run(
        [str(REPO / ".venv" / "bin" / "daphne"), "-u", str(sock), "config.asgi:application"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "--proxy-headers" in result.stderr and "ImproperlyConfigured" in result.stderr
