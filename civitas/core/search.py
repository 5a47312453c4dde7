"""Site search: pages plus the contribution models apps register as searchable."""

import re

from civitas.core.registry import Registry

# "app_label.model" -> a callable returning the public queryset to search in.
searchable_contributions: Registry = Registry("searchable contributions")


def register_searchable(model, public_queryset) -> None:
    """Let site search find `model` objects within `public_queryset()` (visible ones only)."""
    searchable_contributions.register(model._meta.label_lower, (model, public_queryset))


def plain_words(text: str, limit: int | None = None) -> list[str]:
    """The words of `text` (letters and digits only), so no search-engine syntax such as an
    unclosed quote reaches the database; at most `limit` of them."""
    words = re.findall(r"\w+", text or "")
    return words[:limit] if limit else words
