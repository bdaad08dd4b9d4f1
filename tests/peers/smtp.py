"""A real SMTP server for tests: aiosmtpd on a free local port, its mails parsed with ``email``.

Use the ``smtp_server`` fixture (register it with ``from tests.peers.smtp import smtp_server  # noqa: F401``
in a test module or conftest): Django's settings switch to the SMTP backend on that port for the
test, ``smtp_server.messages`` holds every mail received (``email.message.EmailMessage``, parsed
with ``email.policy.default``), ``stop()`` and ``start()`` take the server down and back up on the
same port.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Collector:
    def __init__(self, server: SMTPServer) -> None:
        self.server = server

    async def handle_DATA(self, smtp: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or (envelope.content if isinstance(envelope.content, bytes) else b"")
        message = message_from_bytes(raw, policy=policy.default)
        assert isinstance(message, EmailMessage)
        with self.server.lock:
            self.server.messages.append(message)
            self.server.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


class SMTPServer:
    """One aiosmtpd server on ``127.0.0.1:port`` that can be stopped and started again."""

    def __init__(self, port: int | None = None) -> None:
        self.host = "127.0.0.1"
        self.port = port or free_port()
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str | None, list[str]]] = []
        self.lock = threading.Lock()
        self._controller: Controller | None = None

    @property
    def running(self) -> bool:
        return self._controller is not None

    def start(self) -> None:
        if self._controller is None:
            controller = Controller(_Collector(self), hostname=self.host, port=self.port, ready_timeout=10)
            controller.start()
            self._controller = controller

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def wait(self, count: int, timeout: float = 10.0) -> list[EmailMessage]:
        """The messages once ``count`` have arrived (a guard for a slow machine, not a timing test)."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages

    def to(self, address: str) -> list[EmailMessage]:
        """The mails received for one recipient."""
        return [message for message in self.messages if address in str(message["To"])]

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()
            self.envelopes.clear()


def text_part(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None, "the mail has no text part"
    return str(part.get_content())  # type: ignore[attr-defined]


def html_part(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("html",))
    assert part is not None, "the mail has no HTML part"
    return str(part.get_content())  # type: ignore[attr-defined]


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[SMTPServer]:
    """A running SMTP server; Django sends its mail there for the test."""
    server = SMTPServer()
    server.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = server.host
    settings.EMAIL_PORT = server.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    try:
        yield server
    finally:
        server.stop()
