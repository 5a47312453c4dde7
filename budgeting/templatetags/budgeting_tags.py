"""Template helpers of the budgeting pages: lookups and the plain-language result steps."""

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django import template
from django.utils.translation import gettext as _

register = template.Library()

SHARE_KEYS = ("rho", "price", "share", "cost_per_supporter", "payment", "max_payment")
LACK_KEYS = ("lacked", "missing", "shortfall", "lacks")
LEFT_KEYS = ("left", "remaining", "budget_left")


@register.filter
def get_item(mapping, key):
    """mapping[key] in templates, or None."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def mul(value, factor):
    return int(value) * int(factor)


@register.filter
def fraction(value) -> str:
    """An exact amount ("1234/7", 12.5, 3) shown with two decimals."""
    try:
        number = Fraction(str(value))
    except (ValueError, ZeroDivisionError):
        return str(value)
    exact = Decimal(number.numerator) / Decimal(number.denominator)
    return str(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _first(step: dict, keys):
    return next((step[k] for k in keys if step.get(k) not in (None, "")), None)


@register.simple_tag
def explain_step(step: dict, title, currency: str) -> str:
    """One sentence a resident can follow for one step of the count."""
    values = {
        "title": title,
        "votes": step.get("votes", "?"),
        "cost": step.get("cost", "?"),
        "currency": currency,
    }
    kind = step.get("kind")
    if kind == "funded":
        text = _("“%(title)s” was funded: %(votes)s votes, cost %(cost)s %(currency)s.") % values
        share = _first(step, SHARE_KEYS)
        if share is not None:
            text += " " + _(
                "Each supporter paid at most %(share)s %(currency)s of their share."
            ) % {
                "share": fraction(share),
                "currency": currency,
            }
        return text
    if kind == "skipped":
        left = _first(step, LEFT_KEYS)
        if left is not None:
            return _(
                "“%(title)s” was skipped: it costs %(cost)s %(currency)s but only %(left)s "
                "%(currency)s was left."
            ) % {**values, "left": fraction(left)}
        return _("“%(title)s” was skipped: it did not fit in what was left.") % values
    text = _("“%(title)s” was not funded (%(votes)s votes, cost %(cost)s %(currency)s).") % values
    lacked = _first(step, LACK_KEYS)
    if lacked is not None:
        text += " " + _("Its supporters together lacked %(lacked)s %(currency)s.") % {
            "lacked": fraction(lacked),
            "currency": currency,
        }
    reason = step.get("reason")
    if reason:
        text += " " + str(reason)
    return text
