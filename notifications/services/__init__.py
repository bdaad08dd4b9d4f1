"""Writes of the notifications app: notify (one write path for every app), marking read,
preferences, and the notification mail (``services.mail``)."""

from notifications.services.mail import MAIL_DELAY, send_batch, send_notification_mail, unsubscribe, unsubscribe_token
from notifications.services.notify import Pending, notify, notify_batch, without_email
from notifications.services.preferences import (
    save_community_level,
    save_kind_settings,
    save_preferences,
    set_topic_watch,
)
from notifications.services.reading import mark_read

__all__ = [
    "MAIL_DELAY",
    "Pending",
    "mark_read",
    "notify",
    "notify_batch",
    "save_community_level",
    "save_kind_settings",
    "save_preferences",
    "send_batch",
    "send_notification_mail",
    "set_topic_watch",
    "unsubscribe",
    "unsubscribe_token",
    "without_email",
]
