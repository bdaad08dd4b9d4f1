"""What a notification says, in the reader's language: made again from its ``params`` where
the kind has a sentence for them, else the text stored when it was made."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from notifications.models import NotificationKind as K


def say(kind: str, params: dict[str, Any], fallback: str) -> str:
    name, topic = params.get("name"), params.get("topic")
    try:
        if kind == K.MENTION and name and topic:
            return _("%(name)s mentioned you in “%(topic)s”") % {"name": name, "topic": topic}
        if kind == K.REPLY and name and topic:
            if params.get("to_you"):
                return _("%(name)s replied to your message in “%(topic)s”") % {"name": name, "topic": topic}
            return _("%(name)s replied in “%(topic)s”") % {"name": name, "topic": topic}
        if kind == K.ACCEPTED_ANSWER and topic:
            return _("Your answer in “%(topic)s” was accepted") % {"topic": topic}
        if kind == K.LESSON and params.get("lesson") and params.get("theme"):
            return _("New lesson on “%(theme)s”: %(lesson)s") % {"theme": params["theme"], "lesson": params["lesson"]}
        if kind == K.DIRECT_MESSAGE and name:
            return _("%(name)s sent you a direct message") % {"name": name}
    except (TypeError, ValueError):
        pass
    return fallback
