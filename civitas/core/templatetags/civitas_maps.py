"""The shared map component: a map view over a plain list of places, and a point picker.

Usage (see civitas/core/static/civitas/map.js for what the script adds)::

    {% load civitas_maps %}
    {% map_view points label=_("Map of the ideas") %}
    {% map_picker form.latitude form.longitude label=_("Point on the map") %}

``points`` are dicts with ``lat``, ``lon``, ``title`` and optionally ``url`` and ``text``;
they reach the page as a JSON script (escaped by ``json_script``) and popups set them as text.
The picker's fields should use a HiddenInput widget; it renders them itself.
"""

from itertools import count

from django import template
from django.conf import settings

register = template.Library()

_ids = count(1)


def map_settings() -> dict:
    """Tile URL, attribution and the city's bounding box as the templates need them."""
    bounds = getattr(settings, "CIVITAS_MAP_BOUNDS", ())
    return {
        "tile_url": getattr(settings, "CIVITAS_MAP_TILE_URL", ""),
        "attribution": getattr(settings, "CIVITAS_MAP_TILE_ATTRIBUTION", ""),
        "bounds": ",".join(str(value) for value in bounds),
    }


@register.inclusion_tag("civitas/includes/map.html")
def map_view(points, label, list_label=""):
    """A map of `points` above the plain list of them (kept as the accessible alternative),
    headed by `list_label` when given."""
    points = [
        {
            "lat": float(point["lat"]),
            "lon": float(point["lon"]),
            "title": str(point.get("title", "")),
            "url": str(point.get("url") or ""),
            "text": str(point.get("text") or ""),
        }
        for point in points
        if point.get("lat") is not None and point.get("lon") is not None
    ]
    return {
        **map_settings(),
        "points": points,
        "label": label,
        "list_label": list_label,
        "data_id": f"map-points-{next(_ids)}",
    }


@register.inclusion_tag("civitas/includes/map_picker.html")
def map_picker(lat_field, lon_field, label):
    """Hidden latitude/longitude inputs that the script fills from a click on a map."""
    return {**map_settings(), "lat_field": lat_field, "lon_field": lon_field, "label": label}
