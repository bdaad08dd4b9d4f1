"""Headers and configuration: CSP on every page, production cookies and HSTS, WebSocket Origin, CSRF on every form."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from channels.testing import WebsocketCommunicator
from django.conf import settings as django_settings
from django.test import Client

from tests.security.test_access_matrix import LOGIN, PUBLIC, SPEC, World, app_patterns, fill

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def script_src(policy: str) -> str:
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if " " in part.strip())
    return directives.get("script-src", directives.get("default-src", ""))


class Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self.inline_scripts = 0
        self.handlers: list[str] = []
        self._in_form: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.handlers += [f"<{tag} {name}>" for name, _ in attrs if name.startswith("on")]
        if tag == "script" and not attributes.get("src") and attributes.get("type") != "application/json":
            self.inline_scripts += 1
        if tag == "form" and (attributes.get("method") or "get").lower() == "post":
            self._in_form = {"action": attributes.get("action") or "", "fields": {}}
            self.forms.append(self._in_form)
        if tag in ("input", "textarea", "select") and self._in_form is not None and attributes.get("name"):
            self._in_form["fields"][attributes["name"]] = attributes.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_form = None


def pages(world: World) -> list[tuple[str, str]]:
    """(role, url) of every public page for anonymous visitors and every member page for the member."""
    out = []
    for route, name in app_patterns():
        params, kind = SPEC[name]
        if kind == PUBLIC:
            out.append(("anonymous", fill(route, params(world))))
        elif kind == LOGIN:
            out.append(("member", fill(route, params(world))))
    out += [
        ("member", world.topic.get_absolute_url()),
        ("member", f"/gemeenschappen/{world.community.slug}/"),
        ("member", world.pair.get_absolute_url()),
        ("anonymous", "/accounts/login/"),
        ("anonymous", "/accounts/signup/"),
        ("anonymous", "/kennisbank/"),
        ("anonymous", world.lesson.url),
        ("admin", f"/gemeenschappen/{world.community.slug}/leden/"),
    ]
    return out


def test_csp_without_unsafe_inline_scripts_on_every_page(world: World) -> None:
    checked = 0
    problems = []
    for role, url in pages(world):
        client = Client()
        if role != "anonymous":
            client.force_login(world.users[role])
        response = client.get(url)
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            continue
        checked += 1
        policy = response.get("Content-Security-Policy", "")
        src = script_src(policy)
        if not policy or "'unsafe-inline'" in src or "'unsafe-eval'" in src or "*" in src.split():
            problems.append(f"{url}: script policy {src!r}")
        if "object-src 'none'" not in policy or "frame-ancestors" not in policy:
            problems.append(f"{url}: policy lacks object-src 'none' or frame-ancestors: {policy!r}")
        parser = Forms()
        parser.feed(response.content.decode())
        if parser.inline_scripts or parser.handlers:
            problems.append(f"{url}: {parser.inline_scripts} inline scripts, handlers {parser.handlers[:3]}")
        assert response["X-Content-Type-Options"] == "nosniff"
    print(f"\nCSP checked on {checked} pages")
    assert checked >= 20
    assert not problems, "\n".join(problems)


def test_every_post_form_enforces_csrf(world: World) -> None:
    forms_checked = 0
    problems = []
    seen: set[str] = set()
    for role, url in [*pages(world), ("member", "/profiel/privacy/"), ("member", "/profiel/bewerken/")]:
        client = Client()
        if role != "anonymous":
            client.force_login(world.users[role])
        response = client.get(url)
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            continue
        parser = Forms()
        parser.feed(response.content.decode())
        for form in parser.forms:
            action = form["action"] or url
            if action in seen:
                continue
            seen.add(action)
            if "csrfmiddlewaretoken" not in form["fields"]:
                problems.append(f"{url}: form to {action} has no CSRF token")
            strict = Client(enforce_csrf_checks=True)
            if role != "anonymous":
                strict.force_login(world.users[role])
            data = {k: v for k, v in form["fields"].items() if k != "csrfmiddlewaretoken"}
            refused = strict.post(action, data)
            forms_checked += 1
            if refused.status_code != 403:
                problems.append(f"{url}: POST to {action} without a token answered {refused.status_code}")
    print(f"\nCSRF: {forms_checked} POST forms refused without a token")
    assert forms_checked >= 8
    assert not problems, "\n".join(problems)


PRODUCTION_PROBE = """
import json, os, django
django.setup()
from django.conf import settings as s
from django.core.management import call_command
from django.test import Client
from django.test.utils import setup_test_environment
# A production deployment runs collectstatic before serving (docs/operations.md): the pages name
# their CSS and JS through the manifest, and a name missing from it is a server error. Collect
# into this test's own directory, before anything touches the static storage.
s.STATIC_ROOT = os.environ["PROBE_STATIC_ROOT"]
call_command("collectstatic", interactive=False, verbosity=0)
setup_test_environment()
c = Client(HTTP_HOST="kring.example.nl")
r = c.get("/accounts/login/", secure=True)
plain = c.get("/accounts/login/")
print(json.dumps({
    "session_secure": s.SESSION_COOKIE_SECURE, "csrf_secure": s.CSRF_COOKIE_SECURE,
    "session_httponly": s.SESSION_COOKIE_HTTPONLY, "hsts": s.SECURE_HSTS_SECONDS,
    "hsts_sub": s.SECURE_HSTS_INCLUDE_SUBDOMAINS, "ssl_redirect": s.SECURE_SSL_REDIRECT,
    "header_hsts": r.headers.get("Strict-Transport-Security", ""),
    "cookies": {k: {"secure": v["secure"], "httponly": v["httponly"], "samesite": v["samesite"]} for k, v in r.cookies.items()},
    "plain_status": plain.status_code, "plain_location": plain.headers.get("Location", ""),
    "csp": r.headers.get("Content-Security-Policy", ""), "login_status": r.status_code,
}))
"""


def test_production_settings_secure_cookies_and_hsts(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "y" * 20 + "production-secret-that-is-long-and-random-9876543210",
        "ALLOWED_HOSTS": "kring.example.nl",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SQLITE_PATH": str(tmp_path / "prod.sqlite3"),
        "PROBE_STATIC_ROOT": str(tmp_path / "static"),
    }
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    migrate = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert migrate.returncode == 0, migrate.stderr[-2000:]
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["session_secure"] and found["csrf_secure"] and found["session_httponly"]
    assert found["hsts"] >= 31_536_000 and found["hsts_sub"]
    assert "max-age=31536000" in found["header_hsts"] and "includeSubDomains" in found["header_hsts"]
    assert found["plain_status"] == 301 and found["plain_location"].startswith("https://")
    assert found["cookies"], "the login page sets the CSRF cookie"
    for name, flags in found["cookies"].items():
        assert flags["secure"], f"cookie {name} is not Secure in production"
        assert flags["samesite"] in ("Lax", "Strict"), f"cookie {name} samesite={flags['samesite']!r}"
    assert "'unsafe-inline'" not in script_src(found["csp"])
    assert found["login_status"] == 200, "the login page renders with the collected, hashed static files"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "origin",
    [
        b"https://evil.example",
        b"null",
        b"http://localhost.evil.example",
        b"http://evil.example:80",
        b"file://",
        None,  # no Origin header at all
    ],
)
async def test_cross_origin_websocket_handshakes_are_refused(origin: bytes | None, make_user: Any) -> None:
    from asgiref.sync import sync_to_async

    from config.asgi import application

    user = await sync_to_async(make_user)(name="Mo")
    client = Client()
    await sync_to_async(client.force_login)(user)
    cookie = f"{django_settings.SESSION_COOKIE_NAME}={client.cookies[django_settings.SESSION_COOKIE_NAME].value}"
    headers = [(b"host", b"localhost"), (b"cookie", cookie.encode())]
    if origin is not None:
        headers.append((b"origin", origin))
    communicator = WebsocketCommunicator(application, "/ws/", headers=headers)
    connected, _code = await communicator.connect(timeout=5)
    assert not connected, f"handshake with Origin {origin!r} was accepted"
    # The same session from the right Origin is accepted: the refusal is about the Origin.
    good = WebsocketCommunicator(
        application,
        "/ws/",
        headers=[(b"host", b"localhost"), (b"cookie", cookie.encode()), (b"origin", b"http://localhost")],
    )
    connected, _ = await good.connect(timeout=5)
    assert connected
    await good.disconnect()


def test_check_deploy_has_no_csp_or_cookie_warnings() -> None:
    """``check --deploy`` itself is run by tests/frontend/test_config.py; here: nothing weakens it per page."""
    assert not re.search(r"unsafe-(inline|eval)", script_src(__import__("frontend.middleware").middleware.POLICY))
