"""Fixtures for the notifications tests: the forum's and mentoring's community fixtures, and the
real SMTP server of ``tests/peers/smtp.py`` (aiosmtpd) with links made for a public site URL."""

from __future__ import annotations

from typing import Any

import pytest

from tests.forum.conftest import add_member, make_community, owner
from tests.mentoring.conftest import mentee_mentor, sanne_henk, skills
from tests.peers.smtp import SMTPServer

__all__ = ["add_member", "make_community", "mentee_mentor", "owner", "sanne_henk", "skills", "smtp"]


@pytest.fixture
def smtp(smtp_server: SMTPServer, settings: Any) -> SMTPServer:
    settings.SITE_URL = "https://kring.example"
    return smtp_server
