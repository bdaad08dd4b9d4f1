"""Limits that more than one layer enforces, defined once.

The model, the forms, the services and the WebSocket protocol all refuse a body over
``MAX_MESSAGE_BODY`` characters; each imports it from here rather than repeating the number.
"""

from __future__ import annotations

# Characters in one message (the forum's model, forms and services; the post frame).
MAX_MESSAGE_BODY = 10_000
