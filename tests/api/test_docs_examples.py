"""Every example in docs/api.md runs: each ```http request block against a small world, the next
block's status line is what it must answer."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from api import services as api_services

pytestmark = pytest.mark.django_db

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def examples() -> list[tuple[str, int]]:
    blocks = re.findall(r"```http\n(.*?)```", DOC.read_text(), flags=re.S)
    pairs = []
    for request, answer in zip(blocks[::2], blocks[1::2], strict=True):
        status = int(answer.split()[1])
        pairs.append((request, status))
    return pairs


def test_the_doc_has_examples() -> None:
    assert len(examples()) >= 5


def test_every_example_answers_as_documented(api_world: Any) -> None:
    _token, secret = api_services.create_token(actor=api_world.member, name="docs", scopes=["read", "write"])
    values = {
        "token": secret,
        "room_id": api_world.room.pk,
        "topic_id": api_world.topic.pk,
        "message_id": api_world.message.pk,
    }
    client = Client()
    for request, status in examples():
        filled = re.sub(r"\{(token|room_id|topic_id|message_id)\}", lambda m: str(values[m.group(1)]), request)
        head, _, body = filled.partition("\n\n")
        first, *header_lines = head.strip().splitlines()
        method, path = first.split()
        headers = dict(line.split(": ", 1) for line in header_lines)
        content_type = headers.pop("Content-Type", "application/json")
        answer = client.generic(method, path, body.strip().encode(), content_type=content_type, headers=headers)
        assert answer.status_code == status, (first, answer.content)
