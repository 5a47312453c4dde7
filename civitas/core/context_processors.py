"""Template context every page needs: text direction and the language list."""

from django.conf import settings
from django.utils.translation import get_language_bidi


def civitas(request):
    """Expose the page direction and configured languages to templates."""
    return {
        "text_direction": "rtl" if get_language_bidi() else "ltr",
        "civitas_languages": settings.LANGUAGES,
    }
