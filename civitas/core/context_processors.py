"""Template context every page needs: text direction, the language list, the source code link."""

from django.conf import settings
from django.utils.translation import get_language_bidi


def civitas(request):
    """Expose the page direction, configured languages and where to get the source (AGPL §13)."""
    return {
        "text_direction": "rtl" if get_language_bidi() else "ltr",
        "civitas_languages": settings.LANGUAGES,
        "civitas_source_url": getattr(settings, "CIVITAS_SOURCE_URL", ""),
    }
