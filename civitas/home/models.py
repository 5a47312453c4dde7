"""The home page and plain editorial pages."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from .sections import SLOTS, providers, slot_choices


class SectionBlock(blocks.StructBlock):
    """A slot of the home page that the kernel or a feature app fills."""

    slot = blocks.ChoiceBlock(choices=slot_choices, label=_("Section"))
    heading = blocks.CharBlock(required=False, label=_("Heading (optional)"))

    class Meta:
        icon = "list-ul"
        template = "home/blocks/section.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        slot = next((s for s in SLOTS if s.key == value["slot"]), None)
        section = providers().get(value["slot"])
        request = (parent_context or {}).get("request")
        context["slot"] = slot
        context["heading"] = value["heading"] or (slot.title if slot else "")
        context["section"] = section
        if section is not None:
            context.update(section.get_context(request))
        return context


class HomePage(Page):
    """The city's front door: a welcome text and sections editors arrange."""

    intro = RichTextField(_("introduction"), blank=True)
    body = StreamField(
        [
            ("text", blocks.RichTextBlock(label=_("Text"))),
            ("section", SectionBlock()),
        ],
        blank=True,
        use_json_field=True,
        verbose_name=_("body"),
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]
    max_count = 1
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if not self.body:
            # A new home page shows every section until an editor arranges them.
            context["default_sections"] = self.body.stream_block.to_python(
                [{"type": "section", "value": {"slot": s.key, "heading": ""}} for s in SLOTS]
            )
        return context

    @staticmethod
    def default_body():
        return [("section", {"slot": slot.key, "heading": ""}) for slot in SLOTS]


class ContentPage(Page):
    """An editorial page: about, terms of use, privacy notice, how it works."""

    body = RichTextField(_("body"), blank=True)
    content_panels = [*Page.content_panels, FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("body")]

    class Meta:
        verbose_name = _("content page")
