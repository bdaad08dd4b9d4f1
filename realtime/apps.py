from typing import Any

from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "realtime"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_out

        user_logged_out.connect(_announce_logout, dispatch_uid="kring-realtime-logout")


def _announce_logout(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """Logging out ends the live sockets of that session within seconds."""
    if user is None:
        return
    from forum import events

    session_key = getattr(getattr(request, "session", None), "session_key", None)
    events.announce_user(user.pk, "logout", {"session": session_key})
