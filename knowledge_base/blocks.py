"""StreamField blocks for the *Hoe* (how) part of a lesson."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

RICH_FEATURES = ["bold", "italic", "link", "ol", "ul"]


def rich_text_is_empty(value: str | None) -> bool:
    """True for rich text without visible text, such as the ``<p data-block-key="…"></p>`` of an empty editor."""
    return not strip_tags(value or "").replace("&nbsp;", " ").strip()


class ParagraphBlock(blocks.RichTextBlock):
    """A rich-text paragraph that, when required, must hold text.

    Wagtail's own required check passes ``<p data-block-key="…"></p>``: that is what an empty editor posts
    before Draftail has written its state (a paragraph just added, or typed into a moment before the form
    was sent). Draftail itself later posts such a paragraph as empty, so the same lesson that was submitted
    came back from the reviewer's approve as "this field is required". Checking the text here makes the
    editor's submit fail instead, where it can be fixed.
    """

    def clean(self, value: Any) -> Any:
        value = super().clean(value)
        if self.required and rich_text_is_empty(getattr(value, "source", value)):
            raise ValidationError(self.field.error_messages["required"], code="required")
        return value


def stream_has_content(value: Any) -> bool:
    """Whether a Hoe stream holds anything besides empty paragraphs."""
    return any(
        not (child.block_type == "paragraph" and rich_text_is_empty(getattr(child.value, "source", child.value)))
        for child in value
    )


class ChecklistBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), required=False, max_length=120)
    items = blocks.ListBlock(blocks.CharBlock(label=_("Item"), max_length=300), label=_("Items"))

    class Meta:
        icon = "tasks"
        label = _("Checklist")
        template = "knowledge_base/blocks/checklist.html"


class ActionBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Action"), max_length=160)
    text = blocks.RichTextBlock(label=_("Explanation"), features=RICH_FEATURES, required=False)


class NumberedActionsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), required=False, max_length=120)
    actions = blocks.ListBlock(ActionBlock(), label=_("Actions"))

    class Meta:
        icon = "list-ol"
        label = _("Numbered actions")
        template = "knowledge_base/blocks/actions.html"


class QuotationBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("Quotation"))
    author = blocks.CharBlock(label=_("Author"), max_length=160)
    role = blocks.CharBlock(label=_("Role or organisation"), max_length=160, required=False)

    class Meta:
        icon = "openquote"
        label = _("Quotation")
        template = "knowledge_base/blocks/quotation.html"


class FigureBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    alt = blocks.CharBlock(label=_("Alternative text"), max_length=250)
    caption = blocks.CharBlock(label=_("Caption"), max_length=250, required=False)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "knowledge_base/blocks/figure.html"


class DocumentLinkBlock(blocks.StructBlock):
    document = DocumentChooserBlock(label=_("Document"))
    label = blocks.CharBlock(label=_("Link text"), max_length=160, required=False)

    class Meta:
        icon = "doc-full"
        label = _("Document")
        template = "knowledge_base/blocks/document.html"


class EmbedLinkBlock(blocks.StructBlock):
    """An external video or page. Shown as a link: the public pages allow no third-party frames."""

    url = EmbedBlock(label=_("Address (URL)"))
    label = blocks.CharBlock(label=_("Link text"), max_length=160)

    class Meta:
        icon = "media"
        label = _("Embed")
        template = "knowledge_base/blocks/embed.html"


class HowStreamBlock(blocks.StreamBlock):
    paragraph = ParagraphBlock(label=_("Paragraph"), features=[*RICH_FEATURES, "h3"])
    checklist = ChecklistBlock()
    actions = NumberedActionsBlock()
    table = TableBlock(label=_("Table"), template="knowledge_base/blocks/table.html")
    quotation = QuotationBlock()
    image = FigureBlock()
    document = DocumentLinkBlock()
    embed = EmbedLinkBlock()
