"""A member's digest: how often (weekly by default, daily, or never) and when the last one went."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    DAILY = "daily", _("Daily")
    OFF = "off", _("Never")


INTERVALS = {Frequency.DAILY: timedelta(days=1), Frequency.WEEKLY: timedelta(days=7)}


class DigestSettings(models.Model):
    """One row per member who changed the default or has had a digest (no row: weekly, none sent)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_settings")
    frequency = models.CharField(_("how often"), max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY)
    last_sent_at = models.DateTimeField(_("last digest sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("digest settings")
        verbose_name_plural = _("digest settings")
        constraints = [
            models.CheckConstraint(condition=Q(frequency__in=Frequency.values), name="digest_frequency_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.frequency}"
