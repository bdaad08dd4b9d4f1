"""What a server process does once it has started."""

from __future__ import annotations

import contextvars
import gc
from typing import Any


def settle() -> None:
    """Prepare a started process for its requests and frames: the URL resolvers are filled in
    (outside every request's context, see ``fill_url_resolvers``), then what start-up loaded is
    moved out of the garbage collector's sight."""
    fill_url_resolvers()
    freeze_start_up()


def freeze_start_up() -> None:
    """Move what start-up loaded (Django, Wagtail, the URL conf, the models: ~350,000 objects) out of
    the garbage collector's sight, so its full collections scan only what requests make.

    Measured in one process over 60 history replays of 500 frames: two full collections took 343 ms
    each without this (the event loop stands still meanwhile: every socket of the process waits),
    38 ms each with it. Collected first, so nothing collectable is kept.
    """
    gc.collect()
    gc.freeze()


def fill_url_resolvers() -> None:
    """Fill every URL resolver's lookup tables for every language, in a context of its own.

    Django fills a resolver the first time ``reverse()`` needs it, and marks that on a context
    variable of the resolver's own (``URLResolver._local.populating``, one per resolver and per
    namespace resolver: 89 here). Done inside a request or a socket's frame, those variables land
    in that context, and asgiref copies every variable of a context at each hop between the event
    loop and a database thread: a socket's context carried 89 of them, 0.2 ms of CPU per hop, two
    hops per post. Filled here, in a context that is thrown away, no request ever sets them.
    """
    contextvars.Context().run(_fill_all_languages)


def _fill_all_languages() -> None:
    from django.conf import settings
    from django.urls import get_resolver
    from django.utils import translation

    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            root = get_resolver()
            root.reverse_dict  # noqa: B018 -- reading it fills it
            _fill_namespaces(root, "", {})


def _fill_namespaces(resolver: Any, prefix: str, converters: dict[str, Any]) -> None:
    """The namespace resolvers ``reverse("app:name")`` builds, keyed as it keys them
    (``django.urls.base.reverse``: the patterns and converters of the namespaces on the way)."""
    from django.urls.resolvers import get_ns_resolver

    for extra, sub in list(resolver.namespace_dict.values()):
        pattern = prefix + extra
        sub_converters = {**converters, **sub.pattern.converters}
        get_ns_resolver(pattern, sub, tuple(sub_converters.items())).reverse_dict  # noqa: B018
        _fill_namespaces(sub, pattern, sub_converters)
