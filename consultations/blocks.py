"""StreamField blocks other pages can use.

``QuickPollBlock`` places a quick poll on any page whose body is a StreamField: add
``("poll", QuickPollBlock())`` to the field's block list. People vote with a plain form that
posts to the poll's consultation and comes back to the page (no JavaScript needed); one vote
per person and the results as the poll is configured (after voting, or after close).
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.snippets.blocks import SnippetChooserBlock


class QuickPollBlock(blocks.StructBlock):
    """A quick poll of a consultation, with its voting form or its results."""

    poll = SnippetChooserBlock("consultations.Poll", label=_("Quick poll"))

    class Meta:
        icon = "pick"
        label = _("Quick poll")
        template = "consultations/blocks/quick_poll.html"

    def get_context(self, value, parent_context=None):
        from .templatetags.consultations_tags import poll_box

        context = super().get_context(value, parent_context)
        context.update(poll_box(parent_context or {}, value.get("poll")))
        return context


def body_blocks() -> list:
    """The blocks of a consultation page's body: text and quick polls."""
    return [
        ("text", blocks.RichTextBlock(label=_("Text"))),
        ("poll", QuickPollBlock()),
    ]
