"""Site search: pages plus the contribution models apps register as searchable."""

from civitas.core.registry import Registry

# "app_label.model" -> a callable returning the public queryset to search in.
searchable_contributions: Registry = Registry("searchable contributions")


def register_searchable(model, public_queryset) -> None:
    """Let site search find `model` objects within `public_queryset()` (visible ones only)."""
    searchable_contributions.register(model._meta.label_lower, (model, public_queryset))
