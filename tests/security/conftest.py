"""Fixtures for the security suites: the mentoring fixtures (an active pair) are reused as they are."""

from __future__ import annotations

from tests.mentoring.conftest import (  # noqa: F401  (pytest fixtures, registered by import)
    _fresh_tables,
    active_pair,
    mentee_mentor,
    programme_factory,
    sanne_henk,
    skills,
)
from tests.security.test_access_matrix import kb_lessons, world  # noqa: F401  (the access-matrix world)
