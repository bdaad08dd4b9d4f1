"""The learning passport: issuer keys, achievements, awards (each with its signed credential),
endorsements of skills, and each member's choice of what is public."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Skill


class IssuerKey(models.Model):
    """An Ed25519 key of the platform's ``did:web`` issuer.

    Only the active key keeps its private half; a rotated key keeps its public half and stays in
    the DID document, so every credential it signed still verifies.
    """

    public_multibase = models.CharField(max_length=64, unique=True)
    # The 32-byte Ed25519 seed; emptied when the key is rotated out.
    private_seed = models.BinaryField(null=True, blank=True, editable=False)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["active"], condition=Q(active=True), name="passport_one_active_key"),
            models.CheckConstraint(
                condition=Q(active=False) | Q(private_seed__isnull=False), name="passport_active_key_can_sign"
            ),
        ]

    def __str__(self) -> str:
        return self.public_multibase


class Rule(models.TextChoices):
    MANUAL = "manual", _("Awarded by hand")
    PAIR_GOALS_BOTH_WAYS = "pair_goals", _("A mentoring pair closed with goals reached on both sides")
    THREE_ACCEPTED_ANSWERS = "accepted_answers", _("Three accepted answers")
    PUBLISHED_LESSON = "published_lesson", _("A published lesson")


class Achievement(models.Model):
    """What a community or a mentoring programme recognises, with its criteria."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    community = models.ForeignKey(
        "forum.Community", null=True, blank=True, on_delete=models.PROTECT, related_name="achievements"
    )
    programme = models.ForeignKey(
        "mentoring.Programme", null=True, blank=True, on_delete=models.PROTECT, related_name="achievements"
    )
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), max_length=2000)
    criteria = models.TextField(_("criteria"), max_length=4000, help_text=_("What someone does to earn it."))
    image = models.ImageField(_("image"), upload_to="passport/achievements/", blank=True)
    skill = models.ForeignKey(
        Skill, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("skill")
    )
    rule = models.CharField(_("awarded"), max_length=20, choices=Rule.choices, default=Rule.MANUAL)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            # Exactly one owner: a community or a programme.
            models.CheckConstraint(
                condition=(Q(community__isnull=False) & Q(programme__isnull=True))
                | (Q(community__isnull=True) & Q(programme__isnull=False)),
                name="passport_achievement_one_owner",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def owner_name(self) -> str:
        owner = self.community or self.programme
        return owner.name if owner is not None else ""


class Award(models.Model):
    """One member's award of an achievement, with the signed Open Badges 3.0 credential."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    achievement = models.ForeignKey(Achievement, on_delete=models.PROTECT, related_name="awards")
    # SET_NULL: after an account is deleted the award stays as a revoked entry, so a copy of the
    # credential somewhere else verifies as revoked (docs/privacy.md).
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="awards"
    )
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Which rule awarded it, and for what (``mentoring:relationship:12``), so a rule awards once.
    rule_ref = models.CharField(max_length=80, blank=True)
    awarded_at = models.DateTimeField()
    # The bit of the revocation Bitstring Status List; never reused.
    status_index = models.PositiveIntegerField(unique=True)
    credential = models.JSONField(default=dict)
    public = models.BooleanField(_("shown on my public passport"), default=False)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revocation_reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["-awarded_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["achievement", "recipient"],
                condition=Q(revoked_at__isnull=True, recipient__isnull=False),
                name="passport_award_once",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=False) | Q(recipient__isnull=False),
                name="passport_award_without_recipient_is_revoked",
            ),
        ]
        indexes = [models.Index(fields=["recipient", "awarded_at"]), models.Index(fields=["revoked_at"])]

    def __str__(self) -> str:
        return f"{self.achievement} → {self.recipient_id}"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class Endorsement(models.Model):
    """A member vouching for another's skill (only someone who shared a pair or a topic with them)."""

    endorser = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="endorsements_given")
    endorsee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="endorsements")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="+", verbose_name=_("skill"))
    comment = models.CharField(_("what you saw"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["endorser", "endorsee", "skill"], name="passport_endorse_once"),
            models.CheckConstraint(condition=~Q(endorser=F("endorsee")), name="passport_no_self_endorsement"),
        ]


class PassportSettings(models.Model):
    """What of a member's passport is public (nothing, by default), and the share link."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="passport_settings")
    show_mentoring = models.BooleanField(_("mentoring"), default=False)
    show_contributions = models.BooleanField(_("contributions"), default=False)
    show_endorsements = models.BooleanField(_("endorsements"), default=False)
    # The share link's secret; a new one replaces (and so revokes) the old, None means no link.
    share_token = models.CharField(max_length=43, unique=True, null=True, blank=True)
    share_created_at = models.DateTimeField(null=True, blank=True)
