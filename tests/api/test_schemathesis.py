"""Schemathesis (property-based) against the live description, in process over WSGI, with a token.

Every operation is called with generated valid (positive) and invalid (negative) inputs, as a
member holding a token with every scope, in a world with a room, a topic and a message (the
generated ids sometimes hit them, mostly not). Every default check must pass: no server error,
every status, content type, header and body as described (errors as problem+json), invalid
input refused. Left out: ``positive_data_acceptance``, which expects every schema-valid input to
be taken; Kring's rules refuse some (a title of only a control character, a post in a room the
member may not write in) with a documented 400/403, which is the point of those rules. ``docs/api.md`` says how to run it with more examples.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from api import services as api_services
from forum import services as forum_services
from meetings import services as meeting_services
from passport import services as passport_services
from tests.security.counts import record_count

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
    # A coming meeting with a place (ids 1, 2 … are what the generator tries most) and a credential.
    start = timezone.now() + dt.timedelta(days=3)
    meeting_services.create_meeting(
        actor=owner,
        community=community,
        data=meeting_services.MeetingInput(
            title="Bijeenkomst", starts_at=start, ends_at=start + dt.timedelta(hours=2), place="Zaal", capacity=1
        ),
    )
    achievement = passport_services.define_achievement(
        actor=owner, community=community, name="Kringbouwer", description="d", criteria="c"
    )
    passport_services.award(actor=owner, achievement=achievement, recipient=member)
    return api_services.create_token(actor=member, name="schemathesis", scopes=["read", "write", "mentoring"])[1]


def test_every_operation_conforms(api_token: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Hundreds of calls in seconds: the per-token limit would answer most with 429 (documented, so
    # conforming, but testing nothing else); tests/api/test_api.py tests the limit itself.
    monkeypatch.setattr("api.throttle.API_RATE_BURST", 10**9)
    # Schemathesis' own pytest loader does not run under pytest 9 here, so each operation's
    # strategy drives a Hypothesis test of its own, inside this test's database transaction.
    # As Django's test client does: a request's start and end must not close the test's database connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        _run(api_token)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _run(api_token: str) -> None:
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())
    headers = {"Authorization": f"Bearer {api_token}"}
    calls = 0
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 14
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        for operation in operations:

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                suppress_health_check=list(HealthCheck),
                derandomize=True,
                database=None,
            )
            def run(case: Any) -> None:
                nonlocal calls
                calls += 1
                case.call_and_validate(headers=headers, excluded_checks=[positive_data_acceptance])

            try:
                run()
            except Exception as exc:
                raise AssertionError(f"{operation.method.upper()} {operation.path} ({mode.value}): {exc}") from exc
    record_count("Schemathesis", f"{calls} generated calls over {len(operations)} operations, positive and negative")
