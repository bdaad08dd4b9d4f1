"""The one error hierarchy of Kring.

Every app's services raise a ``KringError`` (or a subclass) when an action cannot be done:
it carries a stable machine ``code``, a translated human ``message``, an optional ``field``
the message belongs to, and the HTTP ``status`` a web transport answers with. Each transport
maps it once: HTML views (field error or flash message plus status), WebSocket frames
(``{"type": "error", "code": …, "message": …}``) and, later, the API (problem+json).

Subclasses fix the kind (and so the status); ``code`` may be narrowed per raise
(``Invalid(_("…"), code="too_long", field="body")``) so clients can tell cases apart.
"""

from __future__ import annotations

from typing import ClassVar


class KringError(Exception):
    """An action was refused; nothing was written."""

    code: ClassVar[str] = "invalid"
    status: ClassVar[int] = 400

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code is not None:
            # An instance attribute shadows the class default for this one raise.
            self.code = code  # type: ignore[misc]

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r}, field={self.field!r})"


class Invalid(KringError):
    """The input is not acceptable (a form would show it beside the field)."""

    code = "invalid"
    status = 400


class Forbidden(KringError):
    """The actor may not do this."""

    code = "forbidden"
    status = 403


class NotFound(KringError):
    """The thing does not exist, or the actor may not know that it does."""

    code = "not_found"
    status = 404


class Conflict(KringError):
    """The action clashes with the current state (already done, changed meanwhile, key reused)."""

    code = "conflict"
    status = 409


class RateLimited(KringError):
    """Too much, too fast: try again after ``wait_seconds``."""

    code = "rate_limited"
    status = 429

    def __init__(self, message: str, *, wait_seconds: float, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message, field=field, code=code)
        self.wait_seconds = wait_seconds


class Unavailable(KringError):
    """A dependency (database, channel layer) failed; the action may be retried as it was."""

    code = "unavailable"
    status = 503
