"""Monitoring: daily roll-ups of community activity, the quick scan, value-creation stories.

The roll-up tables (``CommunityDay``, ``MemberDay``, ``InteractionDay``, ``TopicStat``) are
filled by ``manage.py monitoring_rollup`` (``monitoring.rollup``) from the forum's messages and
topics, so the dashboard reads a few thousand rows instead of scanning a million messages.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# --- roll-ups ------------------------------------------------------------------------------------


class CommunityDay(models.Model):
    """One community's activity on one day (the community's local date)."""

    community = models.ForeignKey("forum.Community", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    messages = models.PositiveIntegerField(default=0)
    topics = models.PositiveIntegerField(default=0)
    questions = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["community", "day"], name="community_day_unique")]


class MemberDay(models.Model):
    """How many messages one member wrote in one community on one day (only days with messages)."""

    community = models.ForeignKey("forum.Community", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    messages = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "day", "user"], name="member_day_unique"),
            models.CheckConstraint(condition=Q(messages__gte=1), name="member_day_has_messages"),
        ]


class InteractionKind(models.TextChoices):
    REPLY = "reply", _("Reply")
    MENTION = "mention", _("Mention")


class InteractionDay(models.Model):
    """``source`` answered or mentioned ``target`` ``count`` times in a community on a day."""

    community = models.ForeignKey("forum.Community", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    kind = models.CharField(max_length=10, choices=InteractionKind.choices)
    source = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    count = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["community", "day", "kind", "source", "target"], name="interaction_unique"),
            models.CheckConstraint(condition=~Q(source=models.F("target")), name="interaction_not_self"),
        ]


class TopicStat(models.Model):
    """A topic's creation and first answer by someone else (None: no answer yet)."""

    topic = models.OneToOneField("forum.Topic", on_delete=models.CASCADE, primary_key=True, related_name="+")
    community = models.ForeignKey("forum.Community", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField()
    first_answer_at = models.DateTimeField(null=True, blank=True)
    is_question = models.BooleanField(default=False)
    is_resolved = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["community", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(first_answer_at__isnull=True) | Q(first_answer_at__gte=models.F("created_at")),
                name="topic_stat_answer_after_start",
            )
        ]


# --- the member's choice ---------------------------------------------------------------------------


class NetworkOptOut(models.Model):
    """The member keeps out of network analysis: not named as a bridge, not in the network export."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)


# --- the quick scan --------------------------------------------------------------------------------


class ScanRound(models.Model):
    """One round of the quick scan in a community, opened by a facilitator for its members."""

    community = models.ForeignKey("forum.Community", on_delete=models.CASCADE, related_name="+")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["opened_at", "pk"]
        constraints = [
            # One open round per community at a time.
            models.UniqueConstraint(
                fields=["community"], condition=Q(closed_at__isnull=True), name="scan_one_open_round"
            )
        ]

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class ScanAnswer(models.Model):
    """One member's score (1 disagree … 5 agree) for one statement in one round."""

    round = models.ForeignKey(ScanRound, on_delete=models.CASCADE, related_name="answers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    statement = models.CharField(max_length=40)
    score = models.PositiveSmallIntegerField()
    answered_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "user", "statement"], name="scan_answer_once"),
            models.CheckConstraint(condition=Q(score__gte=1) & Q(score__lte=5), name="scan_score_1_to_5"),
        ]


# --- value-creation stories ------------------------------------------------------------------------


class Cycle(models.TextChoices):
    """Wenger-Trayner's value-creation cycles."""

    IMMEDIATE = "immediate", _("Immediate value: the activity itself")
    POTENTIAL = "potential", _("Potential value: what I gained")
    APPLIED = "applied", _("Applied value: what I did differently")
    REALISED = "realised", _("Realised value: the result it had")
    REFRAMING = "reframing", _("Reframing value: how we now look at success")


class ValueStory(models.Model):
    """What the community did for a member, told by them, with evidence."""

    community = models.ForeignKey("forum.Community", on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    cycle = models.CharField(_("cycle"), max_length=12, choices=Cycle.choices)
    title = models.CharField(_("title"), max_length=160)
    story = models.TextField(_("your story"), max_length=4000)
    topic = models.ForeignKey(
        "forum.Topic",
        verbose_name=_("conversation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    lesson = models.ForeignKey(
        "knowledge_base.LessonPage",
        verbose_name=_("lesson"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    relationship = models.ForeignKey(
        "mentoring.Relationship",
        verbose_name=_("mentoring pair"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The draft lesson this story was proposed as (through the knowledge base's promotion).
    proposed_lesson = models.ForeignKey(
        "knowledge_base.LessonPage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("value-creation story")
        verbose_name_plural = _("value-creation stories")
        indexes = [models.Index(fields=["community", "cycle", "-created_at"])]
