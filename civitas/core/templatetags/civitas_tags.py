"""Template tags every page uses: unread count, offered languages."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notification_count(context) -> int:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    from civitas.notifications.selectors import unread_count

    return unread_count(user)


@register.simple_tag(takes_context=True)
def offered_languages(context):
    """The languages the city offers (site settings), all configured ones by default."""
    request = context.get("request")
    if request is None:
        return settings.LANGUAGES
    from civitas.core.models import CitySettings

    return CitySettings.for_request(request).offered_languages()
