"""Template tags every page uses: city settings, theme URL, unread count, languages, assets."""

from functools import cache

from django import template
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.urls import reverse

register = template.Library()


@register.simple_tag(takes_context=True)
def city_settings(context):
    """The request's CitySettings, or None when there is no request or no matching site."""
    request = context.get("request")
    if request is None:
        return None
    from civitas.core.models import CitySettings

    try:
        return CitySettings.for_request(request)
    except CitySettings.DoesNotExist:
        return None


@register.simple_tag(takes_context=True)
def theme_stylesheet_url(context) -> str:
    """URL of the city's colour stylesheet, versioned by its palette so browsers may keep it."""
    from civitas.core import theme

    city = city_settings(context)
    if city is None:
        primary, accent = theme.DEFAULT_PRIMARY, theme.DEFAULT_ACCENT
    else:
        primary, accent = city.primary_colour, city.accent_colour
    return f"{reverse('core:theme')}?v={theme.version(primary, accent)}"


@register.simple_tag(takes_context=True)
def unread_notification_count(context) -> int:
    """Unread notifications of the signed-in person; 0 for visitors."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    from civitas.notifications.selectors import unread_count

    return unread_count(user)


@register.simple_tag(takes_context=True)
def offered_languages(context):
    """The languages the city offers (site settings), all configured ones by default."""
    city = city_settings(context)
    if city is None:
        return settings.LANGUAGES
    return city.offered_languages()


@cache
def _static_url_if_exists(path: str) -> str:
    # Collected files (production) or app static folders (development); the manifest storage
    # raises ValueError for a file collectstatic never saw, which must not break the page.
    if not (finders.find(path) or staticfiles_storage.exists(path)):
        return ""
    try:
        return staticfiles_storage.url(path)
    except ValueError:
        return ""


@register.simple_tag
def static_if_exists(path: str) -> str:
    """URL of a static file, or "" when no app ships it (for assets of optional features)."""
    return _static_url_if_exists(path)
