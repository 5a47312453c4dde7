"""Template helpers for account pages."""

import re

from django import template
from django.utils.html import strip_tags

register = template.Library()

LIST_ITEM = re.compile(r"<li>(.*?)</li>", re.DOTALL)


@register.filter
def readable_help(bound_field):
    """The field with list-shaped help (password rules) turned into sentences.

    Help text is shown in a paragraph and referenced by aria-describedby; a <ul> cannot sit in
    a paragraph, so screen readers would announce an empty description.
    """
    help_text = str(bound_field.field.help_text or "")
    if "<li>" in help_text:
        items = [strip_tags(item).strip() for item in LIST_ITEM.findall(help_text)]
        bound_field.field.help_text = " ".join(item for item in items if item)
    return bound_field
