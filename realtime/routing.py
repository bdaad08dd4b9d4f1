from django.urls import path

from realtime.consumers import RealtimeSocket

websocket_urlpatterns = [path("ws/", RealtimeSocket())]  # type: ignore[arg-type]  # an ASGI app, not a view
