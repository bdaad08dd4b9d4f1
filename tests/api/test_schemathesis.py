"""Schemathesis (property-based) against the live description, in process over WSGI, with a token.

Every operation is called with generated valid (positive) and invalid (negative) inputs, as a
member holding a token with every scope, in a world with a room, a topic and a message (the
generated ids sometimes hit them, mostly not). Every default check must pass: no server error,
every status, content type, header and body as described (errors as problem+json), invalid
input refused. ``docs/api.md`` says how to run it with more examples.
"""

from __future__ import annotations

import os
import uuid
from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode

from api import services as api_services
from forum import services as forum_services

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("KRING_SCHEMATHESIS_EXAMPLES", "12"))


@pytest.fixture
def api_token(make_user: Any) -> str:
    owner = make_user(name="Olga")
    member = make_user(name="Mo")
    community = forum_services.create_community(
        actor=owner, name="Kring", kind="hub", description="d", waaromvraag="w", visibility="open"
    )
    forum_services.join_community(actor=member, community=community)
    topic = forum_services.create_topic(actor=owner, room=community.rooms.get(), title="Onderwerp")
    forum_services.post_message(actor=owner, topic=topic, body="Hallo", client_id=uuid.uuid4())
    return api_services.create_token(actor=member, name="schemathesis", scopes=["read", "write", "mentoring"])[1]


@pytest.fixture
def api_schema(api_token: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    # Hundreds of calls in seconds: the per-token limit would answer most with 429 (documented, so
    # conforming, but testing nothing else); tests/api/test_api.py tests the limit itself.
    monkeypatch.setattr("api.throttle.API_RATE_BURST", 10**9)
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())
    schema.config.generation.update(
        modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], max_examples=EXAMPLES, database="none"
    )
    return schema


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_every_operation_conforms(case: Any, api_token: str) -> None:
    case.call_and_validate(headers={"Authorization": f"Bearer {api_token}"})
