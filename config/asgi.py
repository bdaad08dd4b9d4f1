"""ASGI entry point: Django (and Wagtail) over HTTP, Kring's realtime socket over WebSocket."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Django must be set up before anything imports models.
django_asgi_app = get_asgi_application()

from django.urls import get_resolver  # noqa: E402

# Load the URL conf (and the views it imports) now, not on the first request or the first
# post that builds a link: measured 1.5 s of a server's first seconds under load.
get_resolver().url_patterns  # noqa: B018

try:  # Daphne's WebSocket layer (autobahn)
    import autobahn.util
except ImportError:  # pragma: no cover - uvicorn-only deployments
    pass
else:
    # autobahn builds the arguments of its debug log lines on every frame it sends, even
    # with debug logging off, and colours them with click when click is installed (it is:
    # uvicorn brings it). Measured 6.2 µs per call with colour, 1.6 without, about 2 calls
    # per frame: a fifth of Daphne's cost per delivery. Only colour in autobahn's debug
    # logs is lost.
    autobahn.util._HAS_CLICK = False

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

from core.process import settle  # noqa: E402

settle()  # last: everything above is loaded for good
