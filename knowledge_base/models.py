"""The knowledge base: lessons and pilots as Wagtail pages, with a shared taxonomy.

Tree: KnowledgeHomePage (the site root, served at /kennisbank/) → ThemePage*, LessonIndexPage → LessonPage*,
PilotIndexPage → PilotPage*. Sources are snippets. Only live, public pages are shown to visitors and the API.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.html import strip_tags
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.api import APIField
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from accounts.models import Region, Sector
from knowledge_base.blocks import HowStreamBlock, rich_text_is_empty, stream_has_content
from knowledge_base.discussion import lesson_discussion

RICH = ["h3", "bold", "italic", "link", "ol", "ul"]


# --- Taxonomy -------------------------------------------------------------------------------------------------------


class CommunityKindChoice(models.TextChoices):
    KENNISKRING = "kenniskring", _("Knowledge circle (kenniskring)")
    FIELDLAB = "fieldlab", _("Fieldlab")
    LIVING_LAB = "living_lab", _("Living lab")
    COCI = "coci", _("COCI")
    INNOVATIELAB = "innovatielab", _("Innovation lab")
    CAMPUS = "campus", _("Campus")
    HUB = "hub", _("Hub")
    CENTRE_OF_EXPERTISE = "centre_of_expertise", _("Centre of Expertise (hbo)")
    CIV = "civ", _("Centre for Innovative Craftsmanship (mbo)")


class Leerfunctie(models.TextChoices):
    VOORWAARDELIJK = "voorwaardelijk", _("Conditional: learning to work")
    REACTIEF = "reactief", _("Reactive: keeping up")
    PROACTIEF = "proactief", _("Proactive: learning to innovate")


class SuccessFactorChoice(models.TextChoices):
    SHARED_OWNERSHIP = "shared_ownership", _("Shared ownership")
    REGIONAL_NETWORKS = "regional_networks", _("Regional networks")
    HYBRID_LEARNING = "hybrid_learning", _("Hybrid learning")
    LEARNING_PLACES = "learning_places", _("Physical and online places")
    OPEN_EXPERTISE = "open_expertise", _("Open expertise networks")
    TWO_WAY_MENTORING = "two_way_mentoring", _("Mentors who organise two-way traffic")


class Level(models.TextChoices):
    PRIMARY_PROCESS = "primary_process", _("Primary process")
    TEAM = "team", _("Team or department")
    ORGANISATION = "organisation", _("Whole organisation")
    NETWORK = "network", _("Network of organisations")


class CommunityKind(models.Model):
    """One kind of learning community; the rows are the fixed choices, loaded by a migration."""

    code = models.CharField(_("code"), max_length=30, choices=CommunityKindChoice.choices, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("community kind")
        verbose_name_plural = _("community kinds")

    def __str__(self) -> str:
        return str(self.get_code_display())


class SuccessFactor(models.Model):
    """One of the six success factors of learning communities; rows loaded by a migration."""

    code = models.CharField(_("code"), max_length=30, choices=SuccessFactorChoice.choices, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("success factor")
        verbose_name_plural = _("success factors")

    def __str__(self) -> str:
        return str(self.get_code_display())


# --- Sources --------------------------------------------------------------------------------------------------------


@register_snippet
class Source(index.Indexed, models.Model):
    """A source publication a lesson rests on."""

    title = models.CharField(_("title"), max_length=255)
    publisher = models.CharField(_("author or publisher"), max_length=255, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    url = models.URLField(_("web address"), blank=True)
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("attachment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    panels = [
        FieldPanel("title"),
        FieldPanel("publisher"),
        FieldPanel("year"),
        FieldPanel("url"),
        FieldPanel("document"),
    ]
    search_fields = [index.SearchField("title"), index.AutocompleteField("title"), index.SearchField("publisher")]

    class Meta:
        ordering = ["-year", "title"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = [models.UniqueConstraint(fields=["title", "year"], name="kb_source_title_year_unique")]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})" if self.year else self.title


# Page and Orderable come from Wagtail, which ships no type information, so mypy's Django plugin does
# not see their subclasses as models; their fields are annotated as Any.

# --- Pages ----------------------------------------------------------------------------------------------------------


def _image_field() -> Any:
    return models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )


def _image_alt_field() -> Any:
    return models.CharField(
        _("image description (alt text)"),
        max_length=250,
        blank=True,
        help_text=_("What the image shows, for people who cannot see it. Required with an image."),
    )


def image_alt_constraint(name: str) -> models.CheckConstraint:
    """An image never without its alt text."""
    return models.CheckConstraint(condition=models.Q(image__isnull=True) | ~models.Q(image_alt=""), name=name)


class ImageAltRequiredForm(WagtailAdminPageForm):
    """A page with an image needs its alt text, for drafts too (the database refuses the row otherwise)."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("image") and not (cleaned.get("image_alt") or "").strip():
            self.add_error("image_alt", _("Describe the image for people who cannot see it."))
        return cleaned


class StaleAutosaveGuard:
    """Refuses an admin autosave that lost a race with another save of the same page.

    Wagtail's autosave posts a snapshot of the edit form in the background. The edit view checks that the
    snapshot's revision is still the latest when the request *starts*, but nothing holds that true until the
    revision is written: an autosave in flight while the editor clicks "submit for review" (or another
    save) passes the check, waits, and is then stored as a newer draft on top of the submission. For a lesson
    that draft held an empty Hoe paragraph, so the reviewer's approve (which posts the latest revision's
    form) failed validation and the lesson stayed a draft.

    The ``before_edit_page`` hook in ``knowledge_base.wagtail_hooks`` sets ``autosave_basis_revision_id`` on
    an autosave request; here, inside the transaction that writes the revision and after the page row is
    locked, the basis must still be the newest revision. Otherwise PermissionDenied, which the edit view
    answers with ``invalid_revision``: the admin pauses autosave and asks the editor to reload.
    """

    autosave_basis_revision_id: int | None = None

    def save_revision(self, *args: Any, **kwargs: Any) -> Any:
        basis = self.autosave_basis_revision_id
        if basis is None:
            return super().save_revision(*args, **kwargs)  # type: ignore[misc]
        with transaction.atomic():
            page: Any = self
            Page.objects.select_for_update().filter(pk=page.pk).values_list("pk", flat=True).first()
            # The newest revision, not the page row's pointer: a draft's form.save() has just written the
            # row from this request's (possibly stale) copy, pointer included.
            newest = page.revisions.order_by("-pk").values_list("pk", flat=True).first()
            if newest is not None and newest != basis:
                raise PermissionDenied(
                    gettext("This page was saved elsewhere in the meantime. Reload it to see the latest version.")
                )
            return super().save_revision(*args, **kwargs)  # type: ignore[misc]


class KnowledgeHomePage(StaleAutosaveGuard, Page):
    intro = RichTextField(_("introduction"), features=RICH, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["knowledge_base.ThemePage", "knowledge_base.LessonIndexPage", "knowledge_base.PilotIndexPage"]
    max_count = 1
    template = "knowledge_base/knowledge_home_page.html"

    class Meta:
        verbose_name = _("knowledge home")

    def get_context(self, request: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context["themes"] = ThemePage.objects.child_of(self).live().public()
        context["latest_lessons"] = (
            LessonPage.objects.live()
            .public()
            .select_related("image")
            .prefetch_related("image__renditions")
            .order_by("-first_published_at")[:6]
        )
        context["lesson_index"] = LessonIndexPage.objects.child_of(self).live().first()
        context["pilot_index"] = PilotIndexPage.objects.child_of(self).live().first()
        return context


class ThemePage(StaleAutosaveGuard, Page):
    """A theme (e.g. energy transition, digital skills): a controlled tag that lessons carry."""

    intro = RichTextField(_("introduction"), features=RICH, blank=True)
    summary_en: Any = models.TextField(_("English summary"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("summary_en")]
    parent_page_types = ["knowledge_base.KnowledgeHomePage"]
    subpage_types: list[str] = []
    template = "knowledge_base/theme_page.html"

    class Meta:
        verbose_name = _("theme")

    def get_context(self, request: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context["lessons"] = LessonPage.objects.live().public().filter(themes=self).order_by("title")
        user = getattr(request, "user", None)
        context["following"] = bool(
            user is not None and user.is_authenticated and ThemeFollow.objects.filter(user=user, theme=self).exists()
        )
        return context


class LessonIndexPage(StaleAutosaveGuard, Page):
    intro = RichTextField(_("introduction"), features=RICH, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["knowledge_base.KnowledgeHomePage"]
    subpage_types = ["knowledge_base.LessonPage"]
    max_count = 1
    template = "knowledge_base/lesson_index_page.html"

    class Meta:
        verbose_name = _("lessons index")

    # Served with facets, sorting and pages by knowledge_base.views.lesson_index (a before_serve_page hook in
    # knowledge_base.wagtail_hooks: the search selectors import these models).


class PilotIndexPage(StaleAutosaveGuard, Page):
    intro = RichTextField(_("introduction"), features=RICH, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["knowledge_base.KnowledgeHomePage"]
    subpage_types = ["knowledge_base.PilotPage"]
    max_count = 1
    template = "knowledge_base/pilot_index_page.html"

    class Meta:
        verbose_name = _("pilots index")

    def get_context(self, request: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context["pilots"] = (
            PilotPage.objects.child_of(self)
            .live()
            .public()
            .select_related("sector", "region", "image")
            .prefetch_related("image__renditions")
            .order_by("title")
        )
        return context


class PilotPage(StaleAutosaveGuard, Page):
    """One of the pilots of the topsectors' investment agenda (or a later one)."""

    summary_en: Any = models.TextField(_("English summary"), blank=True)
    image: Any = _image_field()
    image_alt: Any = _image_alt_field()
    sector: Any = models.ForeignKey(
        Sector, verbose_name=_("topsector"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    region: Any = models.ForeignKey(
        Region, verbose_name=_("region"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    community_kind: Any = models.CharField(
        _("community kind"), max_length=30, choices=CommunityKindChoice.choices, blank=True
    )
    partners: Any = models.TextField(_("partners"), blank=True, help_text=_("One partner per line."))
    period_start: Any = models.PositiveSmallIntegerField(_("start year"), null=True, blank=True)
    period_end: Any = models.PositiveSmallIntegerField(_("end year"), null=True, blank=True)
    aim = RichTextField(_("aim"), features=RICH, blank=True)
    approach = RichTextField(_("approach"), features=RICH, blank=True)
    results = RichTextField(_("results"), features=RICH, blank=True)
    contact_name: Any = models.CharField(_("contact person"), max_length=160, blank=True)
    contact_organisation: Any = models.CharField(_("contact organisation"), max_length=160, blank=True)
    community_url: Any = models.CharField(
        _("community link"),
        max_length=255,
        blank=True,
        help_text=_("Address of the pilot's community on Kring or elsewhere."),
    )

    base_form_class = ImageAltRequiredForm
    content_panels = [
        *Page.content_panels,
        FieldPanel("summary_en"),
        MultiFieldPanel([FieldPanel("image"), FieldPanel("image_alt")], heading=_("Image")),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("sector"), FieldPanel("region"), FieldPanel("community_kind")]),
                FieldRowPanel([FieldPanel("period_start"), FieldPanel("period_end")]),
                FieldPanel("partners"),
            ],
            heading=_("Facts"),
        ),
        FieldPanel("aim"),
        FieldPanel("approach"),
        FieldPanel("results"),
        MultiFieldPanel(
            [FieldPanel("contact_name"), FieldPanel("contact_organisation"), FieldPanel("community_url")],
            heading=_("Contact"),
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary_en"),
        index.SearchField("partners"),
        index.SearchField("aim"),
        index.SearchField("approach"),
        index.SearchField("results"),
        index.FilterField("community_kind"),
        index.FilterField("sector"),
        index.FilterField("region"),
    ]
    api_fields = [
        APIField("summary_en"),
        APIField("sector_slug"),
        APIField("region_slug"),
        APIField("community_kind"),
        APIField("partners"),
        APIField("period_start"),
        APIField("period_end"),
        APIField("aim"),
        APIField("approach"),
        APIField("results"),
        APIField("contact_name"),
        APIField("contact_organisation"),
        APIField("community_url"),
    ]
    parent_page_types = ["knowledge_base.PilotIndexPage"]
    subpage_types: list[str] = []
    template = "knowledge_base/pilot_page.html"

    class Meta:
        verbose_name = _("pilot")
        verbose_name_plural = _("pilots")
        constraints = [image_alt_constraint("kb_pilot_image_has_alt")]

    @property
    def sector_slug(self) -> str:
        return self.sector.slug if self.sector else ""

    @property
    def region_slug(self) -> str:
        return self.region.slug if self.region else ""

    @property
    def partner_list(self) -> list[str]:
        return [line.strip() for line in self.partners.splitlines() if line.strip()]

    @property
    def period(self) -> str:
        if self.period_start and self.period_end and self.period_end != self.period_start:
            return f"{self.period_start}–{self.period_end}"
        return str(self.period_start or self.period_end or "")

    def lessons_learned(self) -> models.QuerySet[LessonPage]:
        return LessonPage.objects.live().public().filter(origin_pilot=self).order_by("title")

    def get_context(self, request: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context["lessons"] = self.lessons_learned()
        return context


class LessonPageForm(ImageAltRequiredForm):
    """Publishing (and submitting for review) needs Waarom, Hoe, Waartoe and a source or an origin.

    Saving a draft does not: Wagtail defers required fields for drafts, and this form only adds its
    cross-field rule when validation is not deferred.
    """

    PUBLISH_REQUIRED = ("waarom", "hoe", "waartoe")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.PUBLISH_REQUIRED:
            if name in self.fields:
                self.fields[name].required = True

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.is_deferred_validation:
            return cleaned
        # An empty editor posts <p data-block-key="…"></p>, which passes the field's own required check.
        for name in ("waarom", "waartoe"):
            if name in self.fields and name not in self.errors and rich_text_is_empty(cleaned.get(name)):
                self.add_error(name, ValidationError(self.fields[name].error_messages["required"], code="required"))
        sources = self.formsets.get("sources")
        has_source = False
        if sources is not None:
            sources.is_valid()  # ClusterForm validates formsets after this form; validate them now to read them
            for form in sources.forms:
                data = getattr(form, "cleaned_data", {}) or {}
                if data.get("source") and not data.get("DELETE"):
                    has_source = True
        has_origin = any(
            cleaned.get(name) if name in self.fields else getattr(self.instance, f"{name}_id", None)
            for name in LessonPage.ORIGIN_FIELDS
        )
        if not has_source and not has_origin:
            raise ValidationError(
                _("Add at least one source or an origin (pilot, community or topic) before publishing.")
            )
        return cleaned


class LessonPage(StaleAutosaveGuard, Page):
    """A lesson: a title phrased as an instruction, with Waarom, Hoe and Waartoe."""

    ORIGIN_FIELDS: tuple[str, ...] = ("origin_pilot", "origin_community", "origin_topic")

    intro = RichTextField(_("introduction"), features=RICH, blank=True)
    summary_en: Any = models.TextField(_("English summary"), blank=True)
    image: Any = _image_field()
    image_alt: Any = _image_alt_field()
    preconditions = RichTextField(_("preconditions and critical success factors"), features=RICH, blank=True)
    waarom = RichTextField(_("Why (Waarom)"), features=RICH, blank=True)
    hoe = StreamField(HowStreamBlock(), verbose_name=_("How (Hoe)"), blank=True)
    waartoe = RichTextField(
        _("What for (Waartoe)"),
        features=RICH,
        blank=True,
        help_text=_("The result aimed for, and how you can see it."),
    )
    pitfalls = RichTextField(_("pitfalls"), features=RICH, blank=True)
    contact_name: Any = models.CharField(_("contact person"), max_length=160, blank=True)
    contact_role: Any = models.CharField(_("contact role or organisation"), max_length=160, blank=True)
    contact_email: Any = models.EmailField(_("contact e-mail"), blank=True)

    sectors = ParentalManyToManyField(Sector, verbose_name=_("sectors"), blank=True, related_name="+")
    regions = ParentalManyToManyField(Region, verbose_name=_("regions"), blank=True, related_name="+")
    community_kinds = ParentalManyToManyField(
        CommunityKind, verbose_name=_("community kinds"), blank=True, related_name="lessons"
    )
    leerfunctie: Any = models.CharField(_("learning function"), max_length=20, choices=Leerfunctie.choices, blank=True)
    success_factors = ParentalManyToManyField(
        SuccessFactor, verbose_name=_("success factors"), blank=True, related_name="lessons"
    )
    themes = ParentalManyToManyField(ThemePage, verbose_name=_("themes"), blank=True, related_name="lessons")
    level: Any = models.CharField(_("level"), max_length=20, choices=Level.choices, blank=True)

    origin_pilot: Any = models.ForeignKey(
        PilotPage,
        verbose_name=_("origin pilot"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="origin_of_lessons",
    )
    origin_community: Any = models.ForeignKey(
        "forum.Community",
        verbose_name=_("origin community"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    origin_topic: Any = models.ForeignKey(
        "forum.Topic",
        verbose_name=_("origin topic"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The conversation this lesson was promoted from."),
    )
    discussion_topic: Any = models.ForeignKey(
        "forum.Topic",
        verbose_name=_("discussion topic"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Where members discuss this lesson; created on the first click on 'discuss' when empty."),
    )
    conversation_digest = RichTextField(
        _("digest of the conversation"),
        features=RICH,
        blank=True,
        help_text=_("Working material for editors, filled in when a topic is promoted; not shown to visitors."),
    )

    base_form_class = LessonPageForm
    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("summary_en"),
        MultiFieldPanel([FieldPanel("image"), FieldPanel("image_alt")], heading=_("Image")),
        FieldPanel("preconditions"),
        FieldPanel("waarom"),
        FieldPanel("hoe"),
        FieldPanel("waartoe"),
        FieldPanel("pitfalls"),
        InlinePanel("sources", label=_("Sources")),
        MultiFieldPanel(
            [FieldPanel("contact_name"), FieldPanel("contact_role"), FieldPanel("contact_email")],
            heading=_("Contact"),
        ),
        InlinePanel("related_lessons", label=_("Related lessons")),
    ]
    taxonomy_panels = [
        FieldPanel("sectors", widget=forms.CheckboxSelectMultiple),
        FieldPanel("regions", widget=forms.CheckboxSelectMultiple),
        FieldPanel("community_kinds", widget=forms.CheckboxSelectMultiple),
        FieldPanel("leerfunctie"),
        FieldPanel("success_factors", widget=forms.CheckboxSelectMultiple),
        FieldPanel("themes", widget=forms.CheckboxSelectMultiple),
        FieldPanel("level"),
        FieldPanel("origin_pilot"),
        FieldPanel("origin_community"),
        FieldPanel("origin_topic", read_only=True),
        FieldPanel("discussion_topic", read_only=True),
        FieldPanel("conversation_digest"),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Content")),
            ObjectList(taxonomy_panels, heading=_("Taxonomy and origin")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
            ObjectList(Page.settings_panels, heading=_("Settings")),
        ]
    )
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("summary_en"),
        index.SearchField("preconditions"),
        index.SearchField("waarom"),
        index.SearchField("hoe"),
        index.SearchField("waartoe"),
        index.SearchField("pitfalls"),
        index.FilterField("leerfunctie"),
        index.FilterField("level"),
    ]
    api_fields = [
        APIField("intro"),
        APIField("summary_en"),
        APIField("preconditions"),
        APIField("waarom"),
        APIField("hoe"),
        APIField("waartoe"),
        APIField("pitfalls"),
        APIField("leerfunctie"),
        APIField("level"),
        APIField("sector_slugs"),
        APIField("region_slugs"),
        APIField("community_kind_codes"),
        APIField("success_factor_codes"),
        APIField("theme_slugs"),
        APIField("source_list"),
        APIField("origin_pilot"),
    ]
    parent_page_types = ["knowledge_base.LessonIndexPage"]
    subpage_types: list[str] = []
    template = "knowledge_base/lesson_page.html"

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        constraints = [image_alt_constraint("kb_lesson_image_has_alt")]

    # --- The publish rule -------------------------------------------------------------------------------------------

    def has_origin(self) -> bool:
        return any(getattr(self, f"{name}_id", None) for name in self.ORIGIN_FIELDS)

    def publish_problems(self) -> list[str]:
        """What is missing before this lesson may be published (empty when it may)."""
        problems: list[str] = []
        if rich_text_is_empty(self.waarom):
            problems.append(str(_("Why (Waarom) is empty.")))
        if not stream_has_content(self.hoe):
            problems.append(str(_("How (Hoe) is empty.")))
        if rich_text_is_empty(self.waartoe):
            problems.append(str(_("What for (Waartoe) is empty.")))
        if not self.has_origin() and not any(link.source_id for link in self.sources.all()):
            problems.append(str(_("There is no source and no origin.")))
        return problems

    def save(self, *args: Any, **kwargs: Any) -> Any:
        # Page.save(clean=True) runs when a revision is published (live=True); drafts and
        # revision bookkeeping save with clean=False or live=False and are not held to the rule.
        if kwargs.get("clean", True) and self.live:
            problems = self.publish_problems()
            if problems:
                raise ValidationError(" ".join(problems))
        return super().save(*args, **kwargs)

    # --- Read helpers for templates and the API ---------------------------------------------------------------------

    @property
    def sector_slugs(self) -> list[str]:
        return [s.slug for s in self.sectors.all()]

    @property
    def region_slugs(self) -> list[str]:
        return [r.slug for r in self.regions.all()]

    @property
    def community_kind_codes(self) -> list[str]:
        return [k.code for k in self.community_kinds.all()]

    @property
    def success_factor_codes(self) -> list[str]:
        return [f.code for f in self.success_factors.all()]

    @property
    def theme_slugs(self) -> list[str]:
        return [t.slug for t in self.themes.all()]

    @property
    def source_list(self) -> list[dict[str, Any]]:
        return [
            {"title": link.source.title, "publisher": link.source.publisher, "year": link.source.year}
            for link in self.sources.select_related("source")
            if link.source_id
        ]

    def live_related_lessons(self) -> list[LessonPage]:
        return [
            link.lesson for link in self.related_lessons.select_related("lesson") if link.lesson_id and link.lesson.live
        ]

    def get_context(self, request: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context(request, *args, **kwargs)
        context.update(
            sources=[link for link in self.sources.select_related("source__document") if link.source_id],
            sectors=list(self.sectors.all()),
            regions=list(self.regions.all()),
            kinds=list(self.community_kinds.all()),
            factors=list(self.success_factors.all()),
            themes=[theme for theme in self.themes.all() if theme.live],
            related=self.live_related_lessons(),
        )
        context["discussion"] = lesson_discussion(user=request.user, lesson=self)
        return context

    def plain_text(self) -> str:
        """The lesson's text without markup, for search snippets (Dutch: the English summary is searched, not shown)."""
        parts = [self.intro, self.waarom, self.waartoe]
        return re.sub(r"\s+", " ", strip_tags(" ".join(p or "" for p in parts))).strip()


class LessonSource(Orderable):
    page = ParentalKey(LessonPage, on_delete=models.CASCADE, related_name="sources")
    source: Any = models.ForeignKey(Source, verbose_name=_("source"), on_delete=models.CASCADE, related_name="+")
    note: Any = models.CharField(_("note (pages, chapter)"), max_length=255, blank=True)

    panels = [FieldPanel("source"), FieldPanel("note")]

    class Meta(Orderable.Meta):
        verbose_name = _("lesson source")


class RelatedLesson(Orderable):
    """A link between lessons; deleting either lesson deletes the link, never leaving a broken one."""

    page = ParentalKey(LessonPage, on_delete=models.CASCADE, related_name="related_lessons")
    lesson: Any = models.ForeignKey(
        LessonPage, verbose_name=_("lesson"), on_delete=models.CASCADE, related_name="related_from"
    )

    panels = [FieldPanel("lesson")]

    class Meta(Orderable.Meta):
        verbose_name = _("related lesson")


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for a decision")
    ACCEPTED = "accepted", _("Accepted: a draft lesson was made")
    DECLINED = "declined", _("Declined")


class LessonProposal(models.Model):
    """A member's proposal to make a lesson of a conversation; a facilitator of its community or an editor
    accepts it (the draft lesson is made then) or declines it."""

    topic: Any = models.ForeignKey(
        "forum.Topic", verbose_name=_("conversation"), on_delete=models.CASCADE, related_name="lesson_proposals"
    )
    proposer: Any = models.ForeignKey(
        "accounts.User", verbose_name=_("proposed by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note: Any = models.TextField(_("why this is a lesson"), max_length=1000, blank=True)
    status: Any = models.CharField(
        _("status"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PENDING
    )
    decided_by: Any = models.ForeignKey(
        "accounts.User",
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    lesson: Any = models.ForeignKey(
        LessonPage, verbose_name=_("lesson"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at: Any = models.DateTimeField(_("proposed at"), auto_now_add=True)
    decided_at: Any = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("lesson proposal")
        verbose_name_plural = _("lesson proposals")
        constraints = [
            # One open proposal per conversation: a second member's proposal joins the first.
            models.UniqueConstraint(
                fields=["topic"], condition=models.Q(status="pending"), name="kb_one_pending_proposal_per_topic"
            ),
            models.CheckConstraint(
                condition=models.Q(status="pending") | models.Q(decided_at__isnull=False),
                name="kb_decided_proposal_has_a_moment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.topic_id}: {self.status}"


class ThemeFollow(models.Model):
    """A member follows a theme to hear of each lesson published on it (notification kind ``lesson``)."""

    user: Any = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    theme: Any = models.ForeignKey(ThemePage, on_delete=models.CASCADE, related_name="follows")
    created_at: Any = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("theme followed")
        verbose_name_plural = _("themes followed")
        constraints = [models.UniqueConstraint(fields=["user", "theme"], name="kb_follow_theme_once")]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.theme_id}"
