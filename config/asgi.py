"""ASGI entry point: Django (and Wagtail) over HTTP, Kring's realtime socket over WebSocket."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Django must be set up before anything imports models.
django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from realtime.auth import SessionUserMiddleware  # noqa: E402
from realtime.consumers import RealtimeSocket  # noqa: E402
from realtime.limits import ConnectionRateLimit  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # Per-address handshake limit, then the Origin check, then the session: one socket
        # app at /ws/ (realtime/consumers.py).
        "websocket": ConnectionRateLimit(AllowedHostsOriginValidator(SessionUserMiddleware(RealtimeSocket()))),
    }
)
