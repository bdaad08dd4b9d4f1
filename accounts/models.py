"""Members, their profiles, organisations and the taxonomies every app shares."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person with an account; they log in with their e-mail address."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("e-mail address"), unique=True)
    # The language of the member's mails (and digests); set from the page's language at sign-up.
    language = models.CharField(
        _("language of your e-mails"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    # When the member last used Kring, to within LAST_SEEN_EVERY (accounts.middleware.LastSeenMiddleware):
    # digests go only to members who have been away.
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        profile = getattr(self, "profile", None)
        return display_name_of(profile.display_name if profile else None, self.first_name, self.last_name, self.email)


def display_name_of(profile_name: str | None, first_name: str, last_name: str, email: str) -> str:
    """How a member is named: ``User.display_name`` from its columns, for pages that read them
    as plain values without a User."""
    if profile_name:
        return str(profile_name)
    return f"{first_name} {last_name}".strip() or email.split("@")[0]


class Sector(models.Model):
    """A topsector (or ICT as a cross-cutting theme)."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(unique=True)
    is_topsector = models.BooleanField(_("topsector"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")

    def __str__(self) -> str:
        return self.name


class Region(models.Model):
    """One of the twelve provinces."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    slug = models.SlugField(unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name


class Language(models.Model):
    code = models.CharField(_("code"), max_length=8, primary_key=True)
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        ordering = ["name"]
        verbose_name = _("language")
        verbose_name_plural = _("languages")

    def __str__(self) -> str:
        return self.name


class SkillCategory(models.TextChoices):
    TWENTY_FIRST_CENTURY = "21st_century", _("21st-century skill")
    DIGITAL = "digital", _("Digital skill")
    SECTOR = "sector", _("Sector skill")
    ENTREPRENEURIAL = "entrepreneurial", _("Entrepreneurship")


class Skill(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(unique=True)
    category = models.CharField(_("category"), max_length=20, choices=SkillCategory.choices)
    sector = models.ForeignKey(Sector, verbose_name=_("sector"), null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["category", "name"]
        verbose_name = _("skill")
        verbose_name_plural = _("skills")

    def __str__(self) -> str:
        return self.name


class OrganisationKind(models.TextChoices):
    SCHOOL_MBO = "school_mbo", _("School (mbo)")
    SCHOOL_HBO = "school_hbo", _("University of applied sciences (hbo)")
    SCHOOL_WO = "school_wo", _("University (wo)")
    COMPANY = "company", _("Company")
    GOVERNMENT = "government", _("Government")
    KNOWLEDGE_INSTITUTION = "knowledge_institution", _("Knowledge institution")
    SOCIAL_PARTNER = "social_partner", _("Social partner")


class SizeClass(models.TextChoices):
    ZZP = "zzp", _("Self-employed (zzp)")
    SME = "sme", _("Small or medium-sized (mkb)")
    LARGE = "large", _("Large company")


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=160, unique=True)
    slug = models.SlugField(max_length=160, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=OrganisationKind.choices)
    size_class = models.CharField(_("size class"), max_length=10, choices=SizeClass.choices, blank=True)
    region = models.ForeignKey(Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.SET_NULL)
    sectors = models.ManyToManyField(Sector, verbose_name=_("sectors"), blank=True)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            # Only companies have a size class, and every company has one.
            models.CheckConstraint(
                condition=(models.Q(kind="company") & ~models.Q(size_class=""))
                | (~models.Q(kind="company") & models.Q(size_class="")),
                name="organisation_size_class_only_for_companies",
            )
        ]

    def __str__(self) -> str:
        return self.name


class CareerStage(models.TextChoices):
    STUDENT = "student", _("Student")
    STARTER = "starter", _("Starter (0–5 years)")
    MID_CAREER = "mid_career", _("Mid-career (5–20 years)")
    EXPERIENCED = "experienced", _("Experienced (20+ years)")
    RETURNER = "returner", _("Career switcher or returner")


class EducationLevel(models.TextChoices):
    VMBO = "vmbo", "vmbo"
    MBO = "mbo", "mbo"
    HBO = "hbo", "hbo"
    WO = "wo", "wo"
    OTHER = "other", _("other")


class WorkSituation(models.TextChoices):
    STUDENT = "student", _("Student")
    EMPLOYED = "employed", _("Employed")
    FREELANCER = "freelancer", _("Freelancer")
    ENTREPRENEUR = "entrepreneur", _("Entrepreneur")
    JOB_SEEKER = "job_seeker", _("Job seeker")
    TEACHER = "teacher", _("Teacher")
    RESEARCHER = "researcher", _("Lector or researcher")


def avatar_path(instance: Profile, filename: str) -> str:
    return f"avatars/{instance.user_id}.jpg"


class Profile(models.Model):
    """What a member tells the community about themselves."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    display_name = models.CharField(_("display name"), max_length=80)
    career_stage = models.CharField(_("career stage"), max_length=20, choices=CareerStage.choices, blank=True)
    education_level = models.CharField(_("education level"), max_length=10, choices=EducationLevel.choices, blank=True)
    work_situation = models.CharField(_("work situation"), max_length=20, choices=WorkSituation.choices, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    sectors = models.ManyToManyField(Sector, verbose_name=_("sectors"), blank=True)
    region = models.ForeignKey(Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.SET_NULL)
    languages = models.ManyToManyField(Language, verbose_name=_("languages"), blank=True)
    bio = models.TextField(_("short bio"), max_length=1000, blank=True)
    avatar = models.ImageField(_("avatar"), upload_to=avatar_path, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")
        indexes = [models.Index(fields=["display_name"])]

    def __str__(self) -> str:
        return self.display_name
