"""The city's colours as a stylesheet of CSS custom properties, made readable whatever was chosen.

The public site allows no inline styles (CSP), so the colours from CitySettings reach the page as
``/theme.css?v=<version>``: the version changes with the colours, which lets browsers keep the file
for a year and still see a new palette at once.
"""

import hashlib

from django.http import HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.views.decorators.http import require_safe

from .models import HEX_COLOUR

DEFAULT_PRIMARY = "#1d4ed8"
DEFAULT_ACCENT = "#b45309"
WHITE = "#ffffff"
BLACK = "#000000"
# The lightest and the darkest surfaces text sits on in civitas.css (page and grey panels).
PAGE = WHITE
SURFACE = "#f3f4f6"
TEXT_CONTRAST = 4.5  # WCAG 2.2 AA, 1.4.3 for normal text
# Bump when the set of emitted properties changes, so cached copies are not reused.
THEME_FORMAT = "1"


def _channels(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def luminance(colour: str) -> float:
    """Relative luminance of a #rrggbb colour as WCAG defines it."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in _channels(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio between two #rrggbb colours (1 to 21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def mix(colour: str, other: str, amount: float) -> str:
    """`colour` moved `amount` (0 to 1) of the way towards `other`."""
    mixed = (
        round(c + (o - c) * amount)
        for c, o in zip(_channels(colour), _channels(other), strict=True)
    )
    return "#" + "".join(f"{c:02x}" for c in mixed)


def text_on(background: str) -> str:
    """White or black, whichever reads on `background` (one of them always reaches 4.5:1)."""
    return WHITE if contrast(WHITE, background) >= TEXT_CONTRAST else BLACK


def readable(colour: str, background: str = SURFACE) -> str:
    """`colour`, darkened just enough to be read as text on `background`."""
    for step in range(21):
        candidate = mix(colour, BLACK, step / 20)
        if contrast(candidate, background) >= TEXT_CONTRAST:
            return candidate
    return BLACK


def safe_colour(value, default: str) -> str:
    """A valid lower-case #rrggbb colour, or `default`: nothing else may reach the stylesheet."""
    if isinstance(value, str) and HEX_COLOUR.match(value):
        return value.lower()
    return default


def palette(primary: str, accent: str) -> dict[str, str]:
    """The custom properties civitas.css reads, each pair readable together."""
    primary = safe_colour(primary, DEFAULT_PRIMARY)
    accent = safe_colour(accent, DEFAULT_ACCENT)
    primary_strong = mix(primary, BLACK, 0.2)
    return {
        "primary": primary,
        "on-primary": text_on(primary),
        "primary-strong": primary_strong,
        "on-primary-strong": text_on(primary_strong),
        "primary-text": readable(primary),
        "accent": accent,
        "on-accent": text_on(accent),
        "accent-text": readable(accent),
    }


def stylesheet(primary: str, accent: str) -> str:
    """The theme stylesheet: one :root rule of custom properties."""
    props = ";".join(f"--{name}:{value}" for name, value in palette(primary, accent).items())
    return ":root{%s}\n" % props


def version(primary: str, accent: str) -> str:
    """A short fingerprint of the palette, used as the stylesheet URL's cache buster."""
    colours = f"{safe_colour(primary, DEFAULT_PRIMARY)}:{safe_colour(accent, DEFAULT_ACCENT)}"
    key = f"{THEME_FORMAT}:{colours}"
    return hashlib.sha256(key.encode()).hexdigest()[:12]


def city_colours(request) -> tuple[str, str]:
    """The primary and accent colours of the request's site, the defaults when it has none."""
    from .models import CitySettings

    try:
        city = CitySettings.for_request(request)
    except CitySettings.DoesNotExist:
        return DEFAULT_PRIMARY, DEFAULT_ACCENT
    return city.primary_colour, city.accent_colour


@require_safe
def theme_stylesheet(request):
    """Serve the city's palette; cached for a year when asked for by its current version."""
    primary, accent = city_colours(request)
    current = version(primary, accent)
    etag = f'"{current}"'
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = HttpResponse(stylesheet(primary, accent), content_type="text/css; charset=utf-8")
    response["ETag"] = etag
    if request.GET.get("v") == current:
        patch_cache_control(response, public=True, max_age=31_536_000, immutable=True)
    else:
        # An old or missing version: keep it briefly so a colour change shows within minutes.
        patch_cache_control(response, public=True, max_age=300)
    return response
