"""Two-way mentoring: profiles, programmes, relationships and what a pair records."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import Skill, User


class Mode(models.TextChoices):
    ONLINE = "online", _("Online")
    IN_PERSON = "in_person", _("In person")
    BOTH = "both", _("Online and in person")


class SectorPreference(models.TextChoices):
    ANY = "any", _("No preference")
    SAME = "same", _("Someone from my own sector")
    OTHER = "other", _("Someone from another sector")


class Level(models.IntegerChoices):
    BASIC = 1, _("Basic")
    GOOD = 2, _("Good")
    EXPERT = 3, _("Expert")


class MentoringProfile(models.Model):
    """What a member offers and wants to learn. Everyone is mentor and mentee at once."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentoring_profile")
    years_experience = models.PositiveSmallIntegerField(_("years of work experience"), default=0)
    hours_per_month = models.PositiveSmallIntegerField(_("available hours per month"), default=4)
    mode = models.CharField(_("how you like to meet"), max_length=10, choices=Mode.choices, default=Mode.BOTH)
    prefers_other_organisation = models.BooleanField(_("I prefer someone from another organisation"), default=True)
    sector_preference = models.CharField(
        _("sector preference"), max_length=10, choices=SectorPreference.choices, default=SectorPreference.ANY
    )
    motivation = models.TextField(_("motivation"), max_length=1000, blank=True)
    max_relationships = models.PositiveSmallIntegerField(_("how many pairs at once"), default=1)
    is_open = models.BooleanField(_("open to new matches"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("mentoring profile")
        verbose_name_plural = _("mentoring profiles")
        constraints = [
            models.CheckConstraint(condition=Q(hours_per_month__lte=160), name="mentoring_profile_hours_sane"),
            models.CheckConstraint(
                condition=Q(max_relationships__gte=1, max_relationships__lte=5), name="mentoring_profile_capacity"
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)


class SkillOffer(models.Model):
    profile = models.ForeignKey(MentoringProfile, on_delete=models.CASCADE, related_name="offers")
    skill = models.ForeignKey(Skill, verbose_name=_("skill"), on_delete=models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, default=Level.GOOD)
    context = models.CharField(_("context"), max_length=200, blank=True)

    class Meta:
        ordering = ["skill__name"]
        constraints = [models.UniqueConstraint(fields=["profile", "skill"], name="skill_offer_once")]

    def __str__(self) -> str:
        return str(self.skill)


class SkillWant(models.Model):
    profile = models.ForeignKey(MentoringProfile, on_delete=models.CASCADE, related_name="wants")
    skill = models.ForeignKey(Skill, verbose_name=_("skill"), on_delete=models.CASCADE, related_name="+")
    goal = models.CharField(_("learning goal"), max_length=200, blank=True)

    class Meta:
        ordering = ["skill__name"]
        constraints = [models.UniqueConstraint(fields=["profile", "skill"], name="skill_want_once")]

    def __str__(self) -> str:
        return str(self.skill)


class MatchingMode(models.TextChoices):
    CHOOSE = "choose", _("Members choose from suggestions")
    ROUND = "round", _("The coordinator runs a matching round")
    BOTH = "both", _("Both")


class Programme(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    eligibility = models.TextField(_("who can take part"), blank=True)
    intake_questions = models.TextField(_("intake questions"), blank=True, help_text=_("One question per line."))
    starts_on = models.DateField(_("cohort starts"))
    ends_on = models.DateField(_("cohort ends"))
    matching_mode = models.CharField(
        _("matching"), max_length=10, choices=MatchingMode.choices, default=MatchingMode.BOTH
    )
    checkin_interval_days = models.PositiveSmallIntegerField(_("days between check-ins"), default=30)
    weight_skills = models.PositiveSmallIntegerField(_("weight: skills each way"), default=40)
    weight_experience = models.PositiveSmallIntegerField(_("weight: experience gap"), default=20)
    weight_availability = models.PositiveSmallIntegerField(_("weight: availability"), default=15)
    weight_region = models.PositiveSmallIntegerField(_("weight: region (when meeting in person)"), default=10)
    weight_organisation = models.PositiveSmallIntegerField(_("weight: another organisation"), default=5)
    weight_sector = models.PositiveSmallIntegerField(_("weight: sector preference"), default=10)
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="coordinated_programmes", verbose_name=_("coordinators")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="programme_ends_after_start"),
            models.CheckConstraint(condition=Q(checkin_interval_days__gte=1), name="programme_checkin_interval"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("mentoring:programme", args=[self.slug])

    def questions(self) -> list[str]:
        return [q.strip() for q in self.intake_questions.splitlines() if q.strip()]


class ParticipationStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    APPLIED = "applied", _("Applied")
    ADMITTED = "admitted", _("Admitted")
    LEFT = "left", _("Left")


class Participation(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="participations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="participations")
    status = models.CharField(_("status"), max_length=10, choices=ParticipationStatus.choices)
    intake_answers = models.JSONField(_("intake answers"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["programme", "user"], name="participation_once")]

    def __str__(self) -> str:
        return f"{self.user} · {self.programme}"


class MatchingRound(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="rounds")
    run_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    weights = models.JSONField(default=dict)
    pair_count = models.PositiveIntegerField(default=0)
    total_score = models.FloatField(default=0)
    # [{"user_id": 3, "reason": "no_shared_language"}, ...]
    unmatched = models.JSONField(default=list)
    minimum_score = models.FloatField(_("minimum score"), default=0)
    # A round is a draft the coordinator reviews (lock, forbid, swap) until it is published:
    # only then do its pairs become proposals. Rounds from before drafts were published at once.
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(minimum_score__gte=0, minimum_score__lte=100), name="round_minimum_score_percent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme} · {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_draft(self) -> bool:
        return self.published_at is None


class RoundPairState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    LOCKED = "locked", _("Locked")
    FORBIDDEN = "forbidden", _("Forbidden")


class RoundPair(models.Model):
    """One pair of a matching round, with its reasons, as the coordinator reviews it.

    Locked pairs stay when the round is run again; forbidden pairs are never made again in this
    round; publishing turns every pair that is not forbidden into a proposal (``relationship``).
    """

    matching_round = models.ForeignKey(MatchingRound, on_delete=models.CASCADE, related_name="pairs")
    person_a = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(default=0)
    reasons = models.JSONField(default=list, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=RoundPairState.choices, default=RoundPairState.PROPOSED)
    relationship = models.ForeignKey("Relationship", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-score", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(person_a__lt=F("person_b")), name="round_pair_ordered"),
            models.UniqueConstraint(fields=["matching_round", "person_a", "person_b"], name="round_pair_once"),
        ]

    def __str__(self) -> str:
        return f"{self.person_a_id} · {self.person_b_id}"


class Status(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    AGREEING = "agreeing", _("Making an agreement")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    COMPLETED = "completed", _("Completed")
    ENDED_EARLY = "ended_early", _("Ended early")


OPEN_STATUSES = (Status.PROPOSED, Status.AGREEING, Status.ACTIVE, Status.PAUSED)
RUNNING_STATUSES = (Status.AGREEING, Status.ACTIVE, Status.PAUSED)
# The two may write their closing (and answer the closing survey) while the pair runs, and
# afterwards when it ended early: a pair that stops is asked the same questions.
CLOSING_STATUSES = (Status.ACTIVE, Status.PAUSED, Status.ENDED_EARLY)


class Relationship(models.Model):
    """A pair. ``person_a`` has the lower user id, so a pair has one spelling."""

    programme = models.ForeignKey(
        Programme, null=True, blank=True, on_delete=models.SET_NULL, related_name="relationships"
    )
    # SET_NULL, not CASCADE: when one of the two deletes their account, the pair's record
    # (sessions, the other's reflections, check-ins, closing) stays the other's; the deleted
    # side reads "former member" (accounts/privacy.py ends the pair first).
    person_a = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    person_b = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    matching_round = models.ForeignKey(
        MatchingRound, null=True, blank=True, on_delete=models.SET_NULL, related_name="relationships"
    )
    rematch_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PROPOSED)
    accepted_by_a = models.BooleanField(default=False)
    accepted_by_b = models.BooleanField(default=False)
    coordinator_allowed_by_a = models.BooleanField(_("my coordinator may follow along"), default=False)
    coordinator_allowed_by_b = models.BooleanField(_("my coordinator may follow along"), default=False)
    score = models.FloatField(default=0)
    reasons = models.JSONField(default=list, blank=True)
    message = models.CharField(_("message with the proposal"), max_length=500, blank=True)
    end_reason = models.TextField(_("reason"), blank=True)
    # The pair's private room: a restricted forum room for the two (and the coordinator
    # while both allow it).
    room = models.ForeignKey("forum.Room", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            # Either side may be NULL once its member deleted their account.
            models.CheckConstraint(
                condition=Q(person_a__isnull=True) | Q(person_b__isnull=True) | Q(person_a__lt=F("person_b")),
                name="relationship_ordered_pair",
            ),
            models.UniqueConstraint(
                fields=["person_a", "person_b"],
                condition=Q(status__in=["proposed", "agreeing", "active", "paused"]),
                name="relationship_one_open_per_pair",
            ),
        ]
        indexes = [models.Index(fields=["programme", "status"])]

    def __str__(self) -> str:
        return f"{self.person_a} · {self.person_b}"

    def get_absolute_url(self) -> str:
        return reverse("mentoring:relationship", args=[self.pk])

    def side_of(self, user_id: int | None) -> str | None:
        if user_id == self.person_a_id:
            return "a"
        if user_id == self.person_b_id:
            return "b"
        return None

    def partner_of(self, user_id: int | None) -> User | None:
        """The other one of the pair; ``None`` once they deleted their account."""
        return self.person_b if user_id == self.person_a_id else self.person_a

    @property
    def coordinator_allowed(self) -> bool:
        return self.coordinator_allowed_by_a and self.coordinator_allowed_by_b

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Side(models.TextChoices):
    A = "a", "A"
    B = "b", "B"


class Agreement(models.Model):
    """What the two agree. Any change clears both signatures."""

    relationship = models.OneToOneField(Relationship, on_delete=models.CASCADE, related_name="agreement")
    rhythm = models.CharField(_("meeting rhythm"), max_length=120)
    duration_months = models.PositiveSmallIntegerField(_("duration in months"), default=6)
    confidentiality = models.TextField(_("confidentiality"), max_length=1000)
    # Kept by the service from the goals, so the database itself refuses a signature on
    # an agreement without a goal each way.
    goals_a = models.PositiveSmallIntegerField(default=0)
    goals_b = models.PositiveSmallIntegerField(default=0)
    signed_a_at = models.DateTimeField(null=True, blank=True)
    signed_b_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(signed_a_at__isnull=True) & Q(signed_b_at__isnull=True))
                | (Q(goals_a__gte=1) & Q(goals_b__gte=1)),
                name="agreement_signed_only_with_goals_each_way",
            ),
            models.CheckConstraint(
                condition=Q(duration_months__gte=1, duration_months__lte=36), name="agreement_duration"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.relationship}"

    @property
    def fully_signed(self) -> bool:
        return self.signed_a_at is not None and self.signed_b_at is not None


class Goal(models.Model):
    """A learning goal of one of the two (``side``), met with the other's help."""

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="goals")
    side = models.CharField(max_length=1, choices=Side.choices)
    description = models.CharField(_("goal"), max_length=300)
    skill = models.ForeignKey(Skill, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    # When the goal reached 100 % (kept by the services; cleared if it drops again): the
    # dashboard's "goals met over time".
    met_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["side", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(side__in=["a", "b"]), name="goal_side_valid"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="goal_progress_percent"),
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def is_met(self) -> bool:
        return self.progress >= 100


class Milestone(models.Model):
    """A step on the way to a goal; ticking them off moves the goal's progress."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200)
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.title


class SessionState(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class Session(models.Model):
    """A meeting of the pair: planned ahead (with a calendar invitation) or logged afterwards."""

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="sessions")
    # The (local) date; for a planned session the date of ``starts_at`` in Europe/Amsterdam.
    held_on = models.DateField(_("date"))
    mode = models.CharField(_("how you met"), max_length=10, choices=Mode.choices, default=Mode.ONLINE)
    shared_notes = models.TextField(_("shared notes"), max_length=4000, blank=True)
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(_("state"), max_length=10, choices=SessionState.choices, default=SessionState.HELD)
    starts_at = models.DateTimeField(_("starts at"), null=True, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("duration in minutes"), default=60)
    place = models.CharField(_("place"), max_length=200, blank=True)
    video_url = models.URLField(_("video link"), max_length=500, blank=True)
    # The calendar invitation's identity: UID stays, SEQUENCE goes up with each change.
    ical_uid = models.CharField(max_length=100, blank=True)
    ical_sequence = models.PositiveIntegerField(default=0)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="planned") | Q(starts_at__isnull=False), name="session_planned_has_start"
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gte=5, duration_minutes__lte=480), name="session_duration_sane"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.relationship} · {self.held_on}"


class Reflection(models.Model):
    """One person's own reflection on a session (the coach questions)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="reflections")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    went_well = models.TextField(_("What went well, and why?"), max_length=2000, blank=True)
    ran_into = models.TextField(_("What did you run into?"), max_length=2000, blank=True)
    learning_points = models.TextField(_("What are your learning points?"), max_length=2000, blank=True)
    shared = models.BooleanField(_("share this reflection with my partner"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["session", "author"], name="reflection_once_per_author")]

    def __str__(self) -> str:
        return f"{self.author} · {self.session}"


class CheckIn(models.Model):
    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="checkins")
    due_on = models.DateField(_("due"))
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(_("how is it going?"), max_length=2000, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["relationship", "due_on"], name="checkin_once_per_date")]

    def __str__(self) -> str:
        return f"{self.relationship} · {self.due_on}"


class Satisfaction(models.IntegerChoices):
    VERY_LOW = 1, _("Very dissatisfied")
    LOW = 2, _("Dissatisfied")
    NEUTRAL = 3, _("Neutral")
    HIGH = 4, _("Satisfied")
    VERY_HIGH = 5, _("Very satisfied")


class GoalsReached(models.TextChoices):
    ALL = "all", _("All of them")
    SOME = "some", _("Some of them")
    NONE = "none", _("Not yet")


class Closing(models.Model):
    """At the end, each writes what they taught and what they learned."""

    relationship = models.ForeignKey(Relationship, on_delete=models.CASCADE, related_name="closings")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    taught = models.TextField(_("What did you teach?"), max_length=2000)
    learned = models.TextField(_("What did you learn?"), max_length=2000)
    # The closing survey, the same for both sides (blank for closings from before it).
    satisfaction = models.PositiveSmallIntegerField(
        _("How satisfied are you with your pair?"), null=True, blank=True, choices=Satisfaction.choices
    )
    goals_reached = models.CharField(
        _("Did you reach your learning goals?"), max_length=10, blank=True, choices=GoalsReached.choices
    )
    would_recommend = models.BooleanField(_("I would recommend two-way mentoring to a colleague"), null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["relationship", "author"], name="closing_once_per_author"),
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True) | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="closing_satisfaction_scale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.author} · {self.relationship}"
