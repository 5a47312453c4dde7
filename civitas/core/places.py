"""Points on the city map, checked the same way wherever a place is given."""

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .errors import DomainError


def _coordinate(value, low: int, high: int, code: str):
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value)).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError) as exc:
        raise DomainError(_("Coordinates must be numbers."), code=code) from exc
    if not low <= number <= high:
        raise DomainError(_("The point on the map is outside the valid range."), code=code)
    return number


def inside_city(latitude: Decimal, longitude: Decimal) -> bool:
    """Whether the point lies in the city's bounding box (setting CIVITAS_MAP_BOUNDS)."""
    bounds = getattr(settings, "CIVITAS_MAP_BOUNDS", None)
    if not bounds:
        return True
    south, west, north, east = (Decimal(str(value)) for value in bounds)
    return south <= latitude <= north and west <= longitude <= east


def map_point(latitude, longitude) -> tuple[Decimal | None, Decimal | None]:
    """(latitude, longitude) to six decimals, or (None, None) when both are empty;
    DomainError (code "latitude"/"longitude") for non-numbers, one coordinate alone, values out
    of range or a point outside the city."""
    point = (
        _coordinate(latitude, -90, 90, "latitude"),
        _coordinate(longitude, -180, 180, "longitude"),
    )
    if (point[0] is None) != (point[1] is None):
        raise DomainError(_("A point on the map needs both coordinates."), code="latitude")
    if point[0] is not None and not inside_city(*point):
        raise DomainError(
            _("The point on the map is outside the city; choose a point inside it."),
            code="latitude",
        )
    return point
