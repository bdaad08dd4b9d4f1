"""Baseline (a): the canonical Channels chat, as in the Channels tutorial.

Every socket joins its room's group on the channel layer and every received text frame
is ``group_send`` to the group; no persistence, no permission check. It runs on Kring's
settings, so it uses the same channel layer (channels_redis pub/sub on ``REDIS_URL``).

    daphne bench.baselines.channels_chat:application
"""

from __future__ import annotations

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402


class ChatConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        self.group = f"chat_{self.scope['url_route']['kwargs']['room']}"
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        await self.channel_layer.group_send(self.group, {"type": "chat.message", "text": text_data})

    async def chat_message(self, event: dict[str, str]) -> None:
        await self.send(text_data=event["text"])


application = ProtocolTypeRouter(
    {"websocket": URLRouter([path("ws/<str:room>/", ChatConsumer.as_asgi())])}  # type: ignore[arg-type]
)
