"""Browser harness: a live ASGI server in a thread and Debian's Chromium driven by Playwright.

Every page a test visits is checked with axe-core for WCAG 2.1 A/AA violations: the
``visit`` helper checks after each navigation, and the fixture fails a test that left a
page unchecked.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from axe_playwright_python.sync_playwright import Axe
from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ThreadedServer(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # the test process owns the signals
        pass


@pytest.fixture(scope="session")
def asgi_live_server(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    """Kring's full ASGI app (HTTP and WebSocket) on a free port, in this process."""
    from config.asgi import application

    port = _free_port()
    config = uvicorn.Config(
        ASGIStaticFilesHandler(application),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="off",
        ws="websockets-sansio",
    )
    server = ThreadedServer(config)
    with django_db_blocker.unblock():
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 20
        while not server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("live server did not start")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
        server.should_exit = True
        thread.join(timeout=5)


@contextlib.contextmanager
def chromium_browser() -> Iterator[Browser]:
    """Debian's Chromium, with Django's async-safety guard stepped aside while it lives."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """Chromium for the tests of this package only.

    Playwright's sync API keeps an event loop marked as running in the test thread while
    it lives; the tests' own database calls are still synchronous, so Django's
    async-safety guard steps aside for exactly as long, and both end with this package.
    """
    with chromium_browser() as chromium:
        yield chromium


class A11yPage:
    """A Playwright page that checks accessibility on every page it lands on."""

    def __init__(self, page: Page, base_url: str) -> None:
        self.page = page
        self.base_url = base_url
        self.navigated: list[str] = []
        self.checked: set[str] = set()
        page.on("framenavigated", self._on_navigate)

    def _on_navigate(self, frame: Any) -> None:
        if frame == self.page.main_frame:
            self.navigated.append(frame.url.split("#")[0])

    def visit(self, path: str) -> Page:
        self.page.goto(self.base_url + path)
        self.check()
        return self.page

    def check(self) -> None:
        self.page.wait_for_load_state("load")
        results = Axe().run(self.page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
        assert results.violations_count == 0, f"axe on {self.page.url}:\n{results.generate_report()}"
        self.checked.add(self.page.url.split("#")[0])

    def log_in(self, email: str, password: str) -> Page:
        """Log in through the real login form."""
        page = self.visit("/accounts/login/")
        page.locator("#id_login").fill(email)
        page.locator("#id_password").fill(password)
        page.locator("main form button[type=submit]").first.click()
        self.check()
        return page

    def use_session_of(self, user: Any) -> None:
        """Start as ``user`` without the form: a session of its own, as a cookie."""
        from django.conf import settings
        from django.test import Client

        client = Client()  # one per member: a second force_login on one client ends the first session
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        self.page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": self.base_url}])

    def unchecked(self) -> list[str]:
        return [url for url in self.navigated if url not in self.checked and url.startswith(self.base_url)]


@pytest.fixture
def open_page(browser: Browser, asgi_live_server: str, transactional_db: None, settings: Any) -> Iterator[Any]:
    settings.SITE_URL = asgi_live_server  # links in mails lead to SITE_URL: here, the live server
    contexts: list[Any] = []
    pages: list[A11yPage] = []

    def open_new(offline_capable: bool = False) -> A11yPage:
        context = browser.new_context(base_url=asgi_live_server, locale="nl-NL")
        contexts.append(context)
        page = A11yPage(context.new_page(), asgi_live_server)
        page.page.set_default_timeout(10_000)
        pages.append(page)
        return page

    yield open_new
    missing = [url for page in pages for url in page.unchecked()]
    for context in contexts:
        context.close()
    assert not missing, f"pages visited without an accessibility check: {missing}"
