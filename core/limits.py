"""Limits that more than one layer enforces, defined once.

The model, the forms, the services and the WebSocket protocol all refuse a body over
``MAX_MESSAGE_BODY`` characters; each imports it from here rather than repeating the number.
"""

from __future__ import annotations

# Characters in one message (the forum's model, forms and services; the post frame).
MAX_MESSAGE_BODY = 10_000

# The REST API (api/): items per page by default and at most, live tokens per member, and each
# token's bucket (a burst, then requests per second; core.ratelimit.TokenBucket).
API_PAGE_SIZE = 50
API_PAGE_MAX = 200
API_TOKENS_PER_MEMBER = 20
API_RATE_BURST = 120
API_RATE_PER_SECOND = 10.0
