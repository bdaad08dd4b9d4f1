"""Validate a credential against the Open Badges 3.0 JSON schema kept in ``passport/schemas/``."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft201909Validator, FormatChecker

SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schemas" / "ob_v3p0_achievementcredential_schema.json"
SCHEMA_ID = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"


@cache
def _validator() -> Draft201909Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return Draft201909Validator(schema, format_checker=FormatChecker())


def errors(credential: dict[str, Any]) -> list[str]:
    """Every way ``credential`` breaks the schema, as ``path: message`` lines (empty when valid)."""
    found = sorted(_validator().iter_errors(credential), key=lambda error: list(error.absolute_path))
    return [f"{'/'.join(str(part) for part in error.absolute_path) or '(root)'}: {error.message}" for error in found]
