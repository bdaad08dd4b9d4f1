"""Fixtures for the notifications tests: the forum's community fixtures, and a real SMTP server
(aiosmtpd on a free local port) that Django's SMTP backend talks to.

``tests/peers/smtp.py`` (the mail work) offers the same; the lead keeps one at merge.
"""

from __future__ import annotations

import email
import socket
import time
from email import policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tests.forum.conftest import add_member, make_community, owner
from tests.mentoring.conftest import mentee_mentor, sanne_henk, skills

__all__ = ["add_member", "make_community", "mentee_mentor", "owner", "sanne_henk", "skills", "smtp"]


class Inbox:
    """What the SMTP server received, parsed."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))  # type: ignore[arg-type]
        return "250 OK"

    def wait(self, count: int, timeout: float = 10.0) -> list[EmailMessage]:
        """The messages once ``count`` have arrived (delivery is synchronous; this only guards a slow machine)."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp(settings: Any) -> Any:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.SITE_URL = "https://kring.example"
    try:
        yield inbox
    finally:
        controller.stop()
