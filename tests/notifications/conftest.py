"""Fixtures for the notifications tests: the forum's community fixtures, and a real SMTP server."""

from __future__ import annotations

from tests.forum.conftest import add_member, make_community, owner

__all__ = ["add_member", "make_community", "owner"]
