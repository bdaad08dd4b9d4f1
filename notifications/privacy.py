"""The notifications app's privacy hook: a member's notifications and preferences in the export;
everything goes with the account (``CASCADE``), and a departed member's name leaves others'
notifications (``actor`` is ``SET_NULL``)."""

from __future__ import annotations

from typing import Any

from accounts.models import User
from accounts.privacy import ACTOR, EXPORTED, records
from notifications import models as nm

RELATIONS: dict[str, str] = {
    "notifications.Notification.user": EXPORTED,
    "notifications.Notification.actor": ACTOR,
    "notifications.Preferences.user": EXPORTED,
    "notifications.KindSetting.user": EXPORTED,
    "notifications.CommunitySetting.user": EXPORTED,
    "notifications.TopicWatch.user": EXPORTED,
    "notifications.PushSubscription.user": EXPORTED,
}


def export(user: User) -> dict[str, Any]:
    return {
        "notifications": {"items": records(nm.Notification.objects.filter(user=user).order_by("pk"))},
        "notification_preferences": {
            "general": records(nm.Preferences.objects.filter(user=user)),
            "kinds": records(nm.KindSetting.objects.filter(user=user).order_by("kind")),
            "communities": records(nm.CommunitySetting.objects.filter(user=user).order_by("community_id")),
            "topics": records(nm.TopicWatch.objects.filter(user=user).order_by("topic_id")),
            # The devices, by push address only (their encryption keys are credentials).
            "push_devices": [
                {"endpoint": s.endpoint, "created_at": s.created_at.isoformat()}
                for s in nm.PushSubscription.objects.filter(user=user).order_by("pk")
            ],
        },
    }


def forget(user: User) -> None:
    """Nothing beyond the database's CASCADE and SET_NULL."""
