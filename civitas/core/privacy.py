"""Privacy by design: every app registers what personal data it holds for "download my data"."""

from collections.abc import Callable

from django.utils import timezone

from .registry import Registry

# key -> function(user) returning JSON-serialisable data about everything that person contributed.
personal_data_exporters: Registry[Callable] = Registry("personal data exporters")


def export_personal_data(user) -> dict:
    """Everything the platform holds about and from this person, as one JSON-ready document."""
    return {
        "format": "civitas-personal-data/1",
        "exported_at": timezone.now().isoformat(),
        "sections": {key: exporter(user) for key, exporter in personal_data_exporters.items()},
    }
