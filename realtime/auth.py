"""Authenticate a WebSocket handshake from the session cookie, once, and keep only the result.

Channels' ``AuthMiddlewareStack`` keeps, for the life of every socket, a cookie dict, a
lazy session store with its decoded data, a lazy user and a copy of the scope per layer
(four coroutine frames deep). An idle socket is most of what a realtime server holds, so
this middleware does the same check — Django's own ``auth.get_user`` on the session,
including the session-hash check that ends sessions after a password change — and
passes on a small scope with the user (and profile) and the session key only.
"""

from __future__ import annotations

from http.cookies import CookieError, SimpleCookie
from importlib import import_module
from types import SimpleNamespace
from typing import Any

from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib import auth

from realtime import actions, protocol

SOCKET_PATH = "/ws/"


def session_key_from(scope: dict[str, Any]) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"cookie":
            try:
                cookie = SimpleCookie(value.decode("latin-1"))
            except CookieError:
                return None
            morsel = cookie.get(settings.SESSION_COOKIE_NAME)
            return morsel.value if morsel is not None else None
    return None


@database_sync_to_async
def user_for_session(session_key: str) -> Any:
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    user = auth.get_user(SimpleNamespace(session=store))  # type: ignore[arg-type]  # only .session is read
    if not user.is_authenticated:
        return None
    return actions.load_user(user.pk)  # with the profile, as the socket needs it


class SessionUserMiddleware:
    """``scope["user"]`` (a User, or None) and ``scope["session_key"]`` for the socket app."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope.get("path") != SOCKET_PATH:
            message = await receive()
            if message.get("type") == "websocket.connect":
                # Accept, then close: before accept a close is an HTTP 403 on the wire.
                await send({"type": "websocket.accept"})
                await send({"type": "websocket.close", "code": protocol.CLOSE_NO_SUCH_PATH})
            return
        session_key = session_key_from(scope)
        user = await user_for_session(session_key) if session_key else None
        lean = {"type": scope["type"], "path": scope["path"], "user": user, "session_key": session_key}
        await self.app(lean, receive, send)
