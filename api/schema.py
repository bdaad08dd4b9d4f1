"""The OpenAPI description's Kring parts: the token's security scheme and the problem responses.

Every operation documents the problem+json answers it can give (``api.errors``), so a client
(and Schemathesis, in the tests) can check each error against the description.
"""

from __future__ import annotations

from typing import Any, Literal

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import ResolvedComponent

from api.errors import PROBLEM_CONTENT_TYPE

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "An error (RFC 9457 problem details), with Kring's stable code.",
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string", "description": "Stable machine code, e.g. not_found, invalid, client_id_reused."},
        "field": {"type": "string", "description": "The input field to blame, when there is one."},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "description": "Validation errors per field.",
        },
    },
    "required": ["type", "title", "status", "detail", "code"],
}

# The answers every operation may give, beside its own; 409 and 415 only where it takes a body.
COMMON_ERRORS = {
    "401": "Not authenticated: no token, or a token that is not valid.",
    "403": "Forbidden: the token lacks the scope, or the member may not do this.",
    "404": "Not found, or not visible to this member.",
    "405": "Method not allowed.",
    "406": "Not acceptable: the API answers JSON.",
    "429": "Too many requests for this token: see Retry-After.",
}
INPUT_ERRORS = {
    "400": "The input is not valid (see errors).",
    "409": "Conflict with the current state (for example a client_id reused in another room).",
    "415": "Unsupported media type: send JSON.",
}


class TokenScheme(OpenApiAuthenticationExtension):
    """One authentication class, two schemes: a personal token (``kring_…``) or an OAuth 2 token."""

    target_class = "api.authentication.TokenAuthentication"
    name = ["token", "oauth2"]

    def get_security_requirement(self, auto_schema: Any) -> list[dict[str, list[Any]]]:
        return [{"token": []}, {"oauth2": []}]  # either one, not both

    def get_security_definition(self, auto_schema: Any) -> list[dict[str, Any]]:
        oauth: dict[str, Any] = settings.OAUTH2_PROVIDER
        scopes: dict[str, str] = dict(oauth["SCOPES"])
        return [
            {
                "type": "http",
                "scheme": "bearer",
                "description": "A personal access token, made on the profile's API tokens page, with scopes.",
            },
            {
                "type": "oauth2",
                "description": (
                    "OAuth 2 for institutional integrations: authorization code with PKCE (S256), "
                    "registered applications only. Send the access token as `Authorization: Bearer …`."
                ),
                "flows": {
                    "authorizationCode": {
                        "authorizationUrl": "/api/oauth/authorize/",
                        "tokenUrl": "/api/oauth/token/",
                        "refreshUrl": "/api/oauth/token/",
                        "scopes": scopes,
                    }
                },
            },
        ]


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.KringSessionAuthentication"
    name = "session"

    def get_security_definition(self, auto_schema: Any) -> dict[str, Any]:
        return {"type": "apiKey", "in": "cookie", "name": "sessionid", "description": "Kring's own pages (with CSRF)."}


class KringAutoSchema(AutoSchema):
    def _problem_ref(self) -> dict[str, Any]:
        component = ResolvedComponent(
            name="Problem", type=ResolvedComponent.SCHEMA, object="Problem", schema=PROBLEM_SCHEMA
        )
        self.registry.register_on_missing(component)
        return component.ref

    def _get_response_bodies(self, direction: Literal["request", "response"] = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        errors = dict(COMMON_ERRORS)
        # 400 everywhere: a query parameter (page, after, limit) can be wrong on any call.
        errors["400"] = INPUT_ERRORS["400"]
        if self.method in ("POST", "PUT", "PATCH", "DELETE"):
            errors.update(INPUT_ERRORS)
        if self.method == "GET":
            responses.setdefault(
                "304", {"description": "Not modified: the ETag sent in If-None-Match still holds (no body)."}
            )
        for status, description in errors.items():
            responses.setdefault(
                status, {"description": description, "content": {PROBLEM_CONTENT_TYPE: {"schema": self._problem_ref()}}}
            )
        return responses


def register_extensions() -> None:
    """Importing this module registers the extensions (drf-spectacular finds them by subclass)."""


def only_api_v1(endpoints: list[tuple[str, str, str, Any]]) -> list[tuple[str, str, str, Any]]:
    """The description holds Kring's API only: not Wagtail's v2 endpoints nor the reference pages."""
    return [
        e
        for e in endpoints
        if e[0].startswith("/api/v1/") and not e[0].startswith(("/api/v1/schema/", "/api/v1/docs/"))
    ]
