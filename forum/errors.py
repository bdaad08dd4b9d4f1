"""Errors the forum's services raise; every transport turns them into its own answer."""

from __future__ import annotations


class ForumError(Exception):
    code = "invalid"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class Forbidden(ForumError):
    code = "forbidden"


class NotFound(ForumError):
    code = "not_found"


class Invalid(ForumError):
    code = "invalid"


class RateLimited(ForumError):
    code = "slow_mode"

    def __init__(self, message: str, *, wait_seconds: float) -> None:
        super().__init__(message)
        self.wait_seconds = wait_seconds
